import { useEffect, useRef, useState } from 'preact/hooks';
import { api, call, href } from '../api/client';
import type { AuditView, SessionView } from '../api/types';
import { Card, ErrorBox, Field, Loading, valueOf } from '../components/ui';
import { errorText, useAsync } from '../data';
import { useI18n } from '../i18n/i18n';
import { link, navigate } from '../router';
import { AuditResult } from './audit-result';

const SPEEDS = [0.25, 0.5, 0.75, 1, 1.5, 2];

interface Mark {
  t: number;
  direction: 'in' | 'out';
}

/** The line a→b over the video, with an arrow towards the side an `in` crossing goes to. */
function LineOverlay(props: { points: [[number, number], [number, number]]; inLabel: string }) {
  const [[ax, ay], [bx, by]] = props.points;
  const mx = (ax + bx) / 2;
  const my = (ay + by) / 2;
  // In: from the left of a→b to its right as the picture is shown (y down): the normal (−dy, dx).
  const len = Math.hypot(bx - ax, by - ay) || 1;
  const nx = (-(by - ay) / len) * 0.08;
  const ny = ((bx - ax) / len) * 0.08;
  return (
    <svg class="audit-overlay" viewBox="0 0 1 1" preserveAspectRatio="none" data-testid="audit-line">
      <line x1={ax} y1={ay} x2={bx} y2={by} stroke="#f43f5e" stroke-width="0.008" />
      <line x1={mx - nx} y1={my - ny} x2={mx + nx} y2={my + ny} stroke="#facc15" stroke-width="0.006" marker-end="url(#audit-arrow)" />
      <defs>
        <marker id="audit-arrow" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="4" markerHeight="4" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" fill="#facc15" />
        </marker>
      </defs>
      <text x={mx + nx * 1.4} y={my + ny * 1.4} fill="#facc15" font-size="0.04" text-anchor="middle">
        {props.inLabel}
      </text>
    </svg>
  );
}

/**
 * Audit a line on a session's video: the video plays with the line drawn over it, and the operator
 * marks each true crossing (I = in, O = out, U or Backspace = undo, or the buttons) at 0.25–2×; the
 * marks are then compared with the appliance's counts for the same line over the whole video.
 */
export function AuditPlayerPage(props: { session: string; line: string }) {
  const { t, fmtNum } = useI18n();
  const video = useRef<HTMLVideoElement>(null);
  const [marks, setMarks] = useState<Mark[]>([]);
  const [speed, setSpeed] = useState(1);
  const [now, setNow] = useState(0);
  const [duration, setDuration] = useState<number>();
  const [aspect, setAspect] = useState('4 / 3');
  const [playing, setPlaying] = useState(false);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<AuditView>();
  const [note, setNote] = useState('');
  const s = useAsync(() => call<SessionView>(api.GET('/api/v1/sessions/{id}', { params: { path: { id: props.session } } })), [props.session]);
  const line = s.data?.shapes.lines.find((l) => l.id === props.line);

  const mark = (direction: 'in' | 'out') => {
    const v = video.current;
    if (!v || result) return;
    setMarks((m) => [...m, { t: Math.round(v.currentTime * 1000) / 1000, direction }]);
  };
  const undo = () => !result && setMarks((m) => m.slice(0, -1));
  const toggle = () => {
    const v = video.current;
    if (!v) return;
    if (v.paused) void v.play();
    else v.pause();
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement | null;
      if (e.ctrlKey || e.metaKey || e.altKey || (el && /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName))) return;
      const k = e.key.toLowerCase();
      if (k === 'i') mark('in');
      else if (k === 'o') mark('out');
      else if (k === 'u' || k === 'backspace') undo();
      else return;
      e.preventDefault();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  });

  useEffect(() => {
    if (video.current) video.current.playbackRate = speed;
  }, [speed]);

  const submit = async () => {
    if (duration === undefined) return;
    setBusy(true);
    setError(undefined);
    try {
      const body = { session: props.session, line: props.line, from: 0, to: Math.round(duration * 1000) / 1000, marks: marks.map((m) => ({ t: Math.min(m.t, duration), direction: m.direction })), ...(note.trim() ? { note: note.trim() } : {}) };
      const a = await call<AuditView>(api.POST('/api/v1/audits', { body }));
      setResult(a);
      navigate(link('audits', a.id));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  if (!s.data) return s.error ? <ErrorBox error={s.error} /> : <Loading />;
  const nIn = marks.filter((m) => m.direction === 'in').length;
  const nOut = marks.length - nIn;
  return (
    <div class="page" data-testid="audit-player">
      <div class="page-head">
        <a href={link('audits')} class="back">
          ← {t('nav.audits')}
        </a>
        <h1>
          {t('audit.title')} · {line?.name ?? props.line}
        </h1>
      </div>
      {!line && <ErrorBox error={t('audit.noSuchLine', { line: props.line })} />}
      <p class="muted">{t('audit.howTo')}</p>
      <div class="audit-layout">
        <div class="audit-stage" style={{ aspectRatio: aspect }}>
          <video
            ref={video}
            src={href('/api/v1/sessions/{id}/video', { path: { id: props.session } })}
            muted
            playsInline
            preload="auto"
            data-testid="audit-video"
            onLoadedMetadata={(e) => {
              const v = e.currentTarget;
              setDuration(v.duration);
              if (v.videoWidth && v.videoHeight) setAspect(`${v.videoWidth} / ${v.videoHeight}`);
              v.playbackRate = speed;
            }}
            onTimeUpdate={(e) => setNow(e.currentTarget.currentTime)}
            onPlay={() => setPlaying(true)}
            onPause={() => setPlaying(false)}
            onEnded={() => setPlaying(false)}
            onError={() => setError(t('audit.videoError'))}
          />
          {line && <LineOverlay points={line.points} inLabel={t('audit.dir_in')} />}
        </div>
        <Card title={t('audit.marks')} testid="audit-controls">
          <p class="audit-clock" data-testid="audit-clock">
            {fmtNum(now, 2)} / {duration === undefined ? '…' : fmtNum(duration, 2)} {t('audit.seconds')}
          </p>
          <div class="audit-buttons">
            <button type="button" onClick={toggle} data-testid="audit-play" disabled={duration === undefined}>
              {playing ? t('audit.pause') : t('audit.play')}
            </button>
            <Field label={t('audit.speed')}>
              <select value={String(speed)} onChange={(e) => setSpeed(Number(valueOf(e)))} data-testid="audit-speed">
                {SPEEDS.map((v) => (
                  <option value={String(v)} key={v}>
                    {fmtNum(v, 2)}×
                  </option>
                ))}
              </select>
            </Field>
          </div>
          <div class="audit-buttons">
            <button type="button" class="primary" onClick={() => mark('in')} disabled={!!result} data-testid="mark-in">
              {t('audit.markIn')}
            </button>
            <button type="button" class="primary" onClick={() => mark('out')} disabled={!!result} data-testid="mark-out">
              {t('audit.markOut')}
            </button>
            <button type="button" onClick={undo} disabled={!!result || marks.length === 0} data-testid="mark-undo">
              {t('audit.undo')}
            </button>
          </div>
          <p data-testid="audit-tally" data-in={nIn} data-out={nOut}>
            {t('audit.tally', { in: nIn, out: nOut })}
          </p>
          <ol class="audit-marks small" data-testid="audit-marks">
            {marks.map((m, i) => (
              <li key={i} data-t={m.t} data-direction={m.direction}>
                {fmtNum(m.t, 2)} {t('audit.seconds')} · {t(`audit.dir_${m.direction}`)}
              </li>
            ))}
          </ol>
          <Field label={t('audit.note')}>
            <input maxLength={500} value={note} onInput={(e) => setNote(valueOf(e))} data-testid="audit-note" />
          </Field>
          <ErrorBox error={error} />
          <button type="button" class="primary" onClick={() => void submit()} disabled={busy || duration === undefined || !line || !!result} data-testid="audit-submit">
            {busy ? t('common.working') : t('audit.submit')}
          </button>
        </Card>
      </div>
      {result && <AuditResult audit={result} />}
    </div>
  );
}
