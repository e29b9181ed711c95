import { useEffect, useRef, useState } from 'preact/hooks';
import { api, call } from '../api/client';
import { useSnapshots } from '../snapshot';
import type { LineConfig, ZoneConfig } from '../api/types';
import { ErrorBox, Field, ShapeOptions, valueOf } from '../components/ui';
import { errorText } from '../data';
import { useI18n } from '../i18n/i18n';
import { useSession } from '../session';

type Pt = [number, number];
type Sel = { kind: 'zone' | 'line'; index: number } | undefined;
type Tool = 'select' | 'zone' | 'line';
type Drag = { kind: 'zone' | 'line'; index: number; point: number; pointerId: number } | undefined;

const ID_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** A click this close (in pixels) to the first point closes the polygon. */
const CLOSE_PX = 12;

function nextId(prefix: string, taken: string[]): string {
  for (let i = 1; ; i++) if (!taken.includes(`${prefix}-${i}`)) return `${prefix}-${i}`;
}

const clamp = (v: number) => Math.max(0, Math.min(1, Math.round(v * 10000) / 10000));

/**
 * Draws zones (polygons) and directed lines over the camera's snapshot, in normalised coordinates:
 * add, drag points, delete, name; save sends both lists with PUT. Read-only without `operate`.
 */
export function ZoneEditor(props: { camera: string; width: number; height: number; hasFrame: boolean; onSaved(zones: ZoneConfig[], lines: LineConfig[]): void }) {
  const { t } = useI18n();
  const { canOperate } = useSession();
  const [zones, setZones] = useState<ZoneConfig[]>([]);
  const [lines, setLines] = useState<LineConfig[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [dirty, setDirty] = useState(false);
  const [sel, setSel] = useState<Sel>();
  const [tool, setTool] = useState<Tool>('select');
  const [draft, setDraft] = useState<Pt[]>([]);
  const [drag, setDrag] = useState<Drag>();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [snapKey, setSnapKey] = useState(0);
  const snapshot = useSnapshots(props.hasFrame ? [props.camera] : [], snapKey)[props.camera];
  const svg = useRef<SVGSVGElement>(null);
  const W = props.width;
  const H = props.height;

  const load = async () => {
    try {
      const [z, l] = await Promise.all([
        call<{ zones: ZoneConfig[] }>(api.GET('/api/v1/cameras/{id}/zones', { params: { path: { id: props.camera } } })),
        call<{ lines: LineConfig[] }>(api.GET('/api/v1/cameras/{id}/lines', { params: { path: { id: props.camera } } })),
      ]);
      setZones(z.zones);
      setLines(l.lines);
      setDirty(false);
      setLoaded(true);
    } catch (e) {
      setError(errorText(e));
    }
  };
  useEffect(() => void load(), [props.camera]);

  const change = (z: ZoneConfig[], l: LineConfig[]) => {
    setZones(z);
    setLines(l);
    setDirty(true);
    setNotice(undefined);
  };

  const pointOf = (e: PointerEvent | MouseEvent): Pt => {
    const r = svg.current!.getBoundingClientRect();
    return [clamp((e.clientX - r.left) / r.width), clamp((e.clientY - r.top) / r.height)];
  };

  const finishZone = (pts: Pt[]) => {
    if (pts.length < 3) return;
    const id = nextId('zone', zones.map((z) => z.id));
    change([...zones, { id, points: pts }], lines);
    setSel({ kind: 'zone', index: zones.length });
    setDraft([]);
    setTool('select');
  };

  const onCanvasDown = (e: PointerEvent) => {
    if (!canOperate || e.button !== 0) return;
    const p = pointOf(e);
    if (tool === 'zone') {
      const first = draft[0];
      const r = svg.current!.getBoundingClientRect();
      if (first && draft.length >= 3 && Math.hypot((first[0] - p[0]) * r.width, (first[1] - p[1]) * r.height) < CLOSE_PX) return finishZone(draft);
      setDraft([...draft, p]);
    } else if (tool === 'line') {
      if (draft.length === 0) return setDraft([p]);
      const id = nextId('line', lines.map((l) => l.id));
      change(zones, [...lines, { id, points: [draft[0]!, p] }]);
      setSel({ kind: 'line', index: lines.length });
      setDraft([]);
      setTool('select');
    } else {
      setSel(undefined);
    }
  };

  const startDrag = (e: PointerEvent, kind: 'zone' | 'line', index: number, point: number) => {
    if (!canOperate || tool !== 'select') return;
    e.stopPropagation();
    (e.currentTarget as Element).setPointerCapture(e.pointerId);
    setSel({ kind, index });
    setDrag({ kind, index, point, pointerId: e.pointerId });
  };

  const onMove = (e: PointerEvent) => {
    if (!drag || e.pointerId !== drag.pointerId) return;
    const p = pointOf(e);
    if (drag.kind === 'zone') {
      change(zones.map((z, i) => (i === drag.index ? { ...z, points: z.points.map((q, j) => (j === drag.point ? p : q)) } : z)), lines);
    } else {
      change(zones, lines.map((l, i) => (i === drag.index ? { ...l, points: (drag.point === 0 ? [p, l.points[1]] : [l.points[0], p]) as [Pt, Pt] } : l)));
    }
  };

  const remove = () => {
    if (!sel) return;
    if (sel.kind === 'zone') change(zones.filter((_, i) => i !== sel.index), lines);
    else change(zones, lines.filter((_, i) => i !== sel.index));
    setSel(undefined);
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.target as HTMLElement).closest('input, select, textarea')) return;
      if (e.key === 'Escape') (setDraft([]), setTool('select'));
      else if (e.key === 'Enter' && tool === 'zone') finishZone(draft);
      else if ((e.key === 'Delete' || e.key === 'Backspace') && sel && canOperate) remove();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  });

  const save = async () => {
    setError(undefined);
    const bad = [...zones, ...lines].find((s) => !ID_RE.test(s.id));
    if (bad) return setError(t('zones.badId', { id: bad.id }));
    try {
      const z = await call<{ zones: ZoneConfig[] }>(api.PUT('/api/v1/cameras/{id}/zones', { params: { path: { id: props.camera } }, body: { zones } }));
      const l = await call<{ lines: LineConfig[] }>(api.PUT('/api/v1/cameras/{id}/lines', { params: { path: { id: props.camera } }, body: { lines } }));
      setZones(z.zones);
      setLines(l.lines);
      setDirty(false);
      setNotice(t('zones.saved'));
      props.onSaved(z.zones, l.lines);
    } catch (e) {
      setError(errorText(e));
    }
  };

  const selZone = sel?.kind === 'zone' ? zones[sel.index] : undefined;
  const selLine = sel?.kind === 'line' ? lines[sel.index] : undefined;
  const updateSel = (patch: Partial<ZoneConfig> & Partial<LineConfig>) => {
    if (!sel) return;
    const clean = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as T;
    if (sel.kind === 'zone') change(zones.map((z, i) => (i === sel.index ? clean({ ...z, ...patch } as ZoneConfig) : z)), lines);
    else change(zones, lines.map((l, i) => (i === sel.index ? clean({ ...l, ...patch } as LineConfig) : l)));
  };
  const px = (p: Pt) => `${p[0] * W},${p[1] * H}`;
  const r = Math.max(W, H) / 90;

  return (
    <div class="zone-editor">
      {canOperate && (
        <div class="toolbar" role="toolbar">
          <button type="button" class={tool === 'zone' ? 'active' : ''} onClick={() => (setTool('zone'), setDraft([]))} data-testid="add-zone">
            {t('zones.addZone')}
          </button>
          <button type="button" class={tool === 'line' ? 'active' : ''} onClick={() => (setTool('line'), setDraft([]))} data-testid="add-line">
            {t('zones.addLine')}
          </button>
          {tool === 'zone' && (
            <button type="button" disabled={draft.length < 3} onClick={() => finishZone(draft)} data-testid="finish-shape">
              {t('zones.finish')}
            </button>
          )}
          <button type="button" disabled={!sel} onClick={remove} data-testid="delete-shape">
            {t('common.delete')}
          </button>
          <button type="button" onClick={() => setSnapKey((k) => k + 1)}>
            {t('zones.newSnapshot')}
          </button>
          <span class="spacer" />
          <button type="button" disabled={!dirty} onClick={() => void load()}>
            {t('common.revert')}
          </button>
          <button type="button" class="primary" disabled={!dirty || !loaded} onClick={() => void save()} data-testid="save-shapes">
            {t('common.save')}
          </button>
        </div>
      )}
      {canOperate && <p class="muted small">{tool === 'zone' ? t('zones.hintZone') : tool === 'line' ? t('zones.hintLine') : t('zones.hintSelect')}</p>}
      <ErrorBox error={error} />
      {notice && <p class="notice">{notice}</p>}
      <div class="editor-body">
        <div class="editor-stage" style={{ aspectRatio: `${W} / ${H}`, maxWidth: `calc((100vh - 230px) * ${W / H})` }}>
          {snapshot ? <img src={snapshot} alt="" class="editor-bg" /> : <div class="editor-bg placeholder">{t('video.waiting')}</div>}
          <svg
            ref={svg}
            viewBox={`0 0 ${W} ${H}`}
            preserveAspectRatio="none"
            class={`editor-svg tool-${tool}`}
            data-testid="zone-canvas"
            onPointerDown={onCanvasDown}
            onPointerMove={onMove}
            onPointerUp={() => setDrag(undefined)}
            onDblClick={() => tool === 'zone' && finishZone(draft)}
          >
            <defs>
              <marker id="arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="5" markerHeight="5" orient="auto-start-reverse">
                <path d="M0,0 L10,5 L0,10 z" fill="#facc15" />
              </marker>
            </defs>
            {zones.map((z, i) => {
              const active = sel?.kind === 'zone' && sel.index === i;
              return (
                <g key={`z${i}`} class={active ? 'shape zone active' : 'shape zone'} data-zone={z.id}>
                  <polygon points={z.points.map(px).join(' ')} onPointerDown={(e) => tool === 'select' && (e.stopPropagation(), setSel({ kind: 'zone', index: i }))} />
                  <text x={z.points[0]![0] * W + r} y={z.points[0]![1] * H + 3 * r}>
                    {z.name ?? z.id}
                  </text>
                  {canOperate && active && z.points.map((p, j) => <circle key={j} cx={p[0] * W} cy={p[1] * H} r={r} class="handle" onPointerDown={(e) => startDrag(e, 'zone', i, j)} />)}
                </g>
              );
            })}
            {lines.map((l, i) => {
              const active = sel?.kind === 'line' && sel.index === i;
              const [a, b] = l.points;
              return (
                <g key={`l${i}`} class={active ? 'shape line active' : 'shape line'} data-line={l.id}>
                  <line x1={a[0] * W} y1={a[1] * H} x2={b[0] * W} y2={b[1] * H} marker-end="url(#arrow)" onPointerDown={(e) => tool === 'select' && (e.stopPropagation(), setSel({ kind: 'line', index: i }))} />
                  <text x={((a[0] + b[0]) / 2) * W + r} y={((a[1] + b[1]) / 2) * H}>
                    {l.name ?? l.id}
                  </text>
                  {canOperate && active && [a, b].map((p, j) => <circle key={j} cx={p[0] * W} cy={p[1] * H} r={r} class="handle" onPointerDown={(e) => startDrag(e, 'line', i, j)} />)}
                </g>
              );
            })}
            {draft.length > 0 && (
              <g class="shape draft">
                <polyline points={draft.map(px).join(' ')} />
                {draft.map((p, j) => (
                  <circle key={j} cx={p[0] * W} cy={p[1] * H} r={r * 0.8} class="handle" />
                ))}
              </g>
            )}
          </svg>
        </div>
        <aside class="editor-side">
          <h3>{t('zones.zones')}</h3>
          <ul class="shape-list" data-testid="zone-list">
            {zones.map((z, i) => (
              <li key={z.id + i} class={sel?.kind === 'zone' && sel.index === i ? 'active' : ''}>
                <button type="button" class="link-button" onClick={() => setSel({ kind: 'zone', index: i })} data-zone-item={z.id}>
                  {z.name ?? z.id}
                </button>{' '}
                <span class="muted small">{t('zones.points', { n: z.points.length })}</span>
              </li>
            ))}
            {zones.length === 0 && <li class="muted">{t('zones.noneZones')}</li>}
          </ul>
          <h3>{t('zones.lines')}</h3>
          <ul class="shape-list" data-testid="line-list">
            {lines.map((l, i) => (
              <li key={l.id + i} class={sel?.kind === 'line' && sel.index === i ? 'active' : ''}>
                <button type="button" class="link-button" onClick={() => setSel({ kind: 'line', index: i })} data-line-item={l.id}>
                  {l.name ?? l.id}
                </button>
              </li>
            ))}
            {lines.length === 0 && <li class="muted">{t('zones.noneLines')}</li>}
          </ul>
          {canOperate && (selZone || selLine) && (
            <div class="shape-props">
              <Field label={t('zones.id')}>
                <input value={(selZone ?? selLine)!.id} onInput={(e) => updateSel({ id: valueOf(e).toLowerCase() })} pattern="[a-z0-9][a-z0-9_-]{0,63}" />
              </Field>
              <Field label={t('zones.name')}>
                <input value={(selZone ?? selLine)!.name ?? ''} onInput={(e) => updateSel({ name: valueOf(e) || undefined })} />
              </Field>
              <Field label={t('zones.classes')} hint={t('zones.classesHint')}>
                <input
                  value={((selZone ?? selLine)!.classes ?? []).join(', ')}
                  onChange={(e) => {
                    const list = valueOf(e).split(',').map((s) => s.trim()).filter(Boolean);
                    updateSel({ classes: list.length ? list : undefined });
                  }}
                />
              </Field>
              {selZone && (
                <>
                  <Field label={t('zones.loiter')}>
                    <input type="number" min="1" value={selZone.loiter_seconds ?? ''} onChange={(e) => updateSel({ loiter_seconds: valueOf(e) ? Number(valueOf(e)) : undefined })} />
                  </Field>
                  <Field label={t('zones.crowd')}>
                    <input type="number" min="1" step="1" value={selZone.crowd_threshold ?? ''} onChange={(e) => updateSel({ crowd_threshold: valueOf(e) ? Number(valueOf(e)) : undefined })} />
                  </Field>
                  {/* Queues and capacity (issue 18): a queue is served across one of this camera's lines. */}
                  <Field label={t('zones.capacity')}>
                    <input type="number" min="1" step="1" value={selZone.capacity ?? ''} onChange={(e) => updateSel({ capacity: valueOf(e) ? Number(valueOf(e)) : undefined })} data-testid="zone-capacity" />
                  </Field>
                  <Field label={t('zones.serviceLine')}>
                    <select value={selZone.queue ? (selZone.service_line ?? '') : ''} onChange={(e) => updateSel(valueOf(e) ? { queue: true, service_line: valueOf(e) } : { queue: undefined, service_line: undefined })} data-testid="zone-service-line">
                      <option value="">{t('zones.notAQueue')}</option>
                      <ShapeOptions shapes={lines} />
                    </select>
                  </Field>
                </>
              )}
              {selLine && (
                <>
                  <p class="muted small">{t('zones.direction')}</p>
                  <button type="button" onClick={() => updateSel({ points: [selLine.points[1], selLine.points[0]] })}>
                    {t('zones.reverse')}
                  </button>
                </>
              )}
            </div>
          )}
        </aside>
      </div>
    </div>
  );
}
