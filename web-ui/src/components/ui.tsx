import type { ComponentChildren, JSX } from 'preact';
import { useI18n, type T } from '../i18n/i18n';
import { known } from '../i18n/known';

export function ErrorBox(props: { error: string | undefined }) {
  if (!props.error) return null;
  return (
    <p class="error" role="alert">
      {props.error}
    </p>
  );
}

export function Loading() {
  const { t } = useI18n();
  return <p class="muted">{t('common.loading')}</p>;
}

/** A camera or session status as a coloured pill; the text is translated, data-status is not. */
export function StatusBadge(props: { status: string }) {
  const { t } = useI18n();
  return (
    <span class={`badge status-${props.status}`} data-status={props.status}>
      {known(t, 'status.', props.status)}
    </span>
  );
}

export function ProgressBar(props: { value: number; label?: string }) {
  const v = Math.max(0, Math.min(100, props.value));
  return (
    <div class="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(v)} aria-label={props.label}>
      <div class="progress-fill" style={{ width: `${v}%` }} />
      <span class="progress-text">{Math.round(v)}%</span>
    </div>
  );
}

export function Card(props: { title?: ComponentChildren; actions?: ComponentChildren; children: ComponentChildren; class?: string; testid?: string }) {
  return (
    <section class={`card ${props.class ?? ''}`} data-testid={props.testid}>
      {(props.title || props.actions) && (
        <header class="card-head">
          {props.title && <h2>{props.title}</h2>}
          {props.actions && <div class="card-actions">{props.actions}</div>}
        </header>
      )}
      {props.children}
    </section>
  );
}

export function Field(props: { label: ComponentChildren; children: ComponentChildren; hint?: ComponentChildren }) {
  return (
    <label class="field">
      <span class="field-label">{props.label}</span>
      {props.children}
      {props.hint && <span class="field-hint">{props.hint}</span>}
    </label>
  );
}

export function Tabs<K extends string>(props: { value: K; tabs: Array<[K, string]>; onChange(k: K): void }) {
  return (
    <div class="tabs" role="tablist">
      {props.tabs.map(([k, label]) => (
        <button type="button" role="tab" aria-selected={props.value === k} class={props.value === k ? 'tab active' : 'tab'} onClick={() => props.onChange(k)} key={k}>
          {label}
        </button>
      ))}
    </div>
  );
}

export function Empty(props: { children: ComponentChildren }) {
  return <p class="empty muted">{props.children}</p>;
}

/** <input type="datetime-local"> value ↔ unix seconds, in the browser's time zone. */
export function toLocalInput(sec: number): string {
  const d = new Date(sec * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(v: string): number | undefined {
  const ms = new Date(v).getTime();
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

export type InputEvent = JSX.TargetedEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, Event>;

/** The value of an input/select change event. */
export function valueOf(e: InputEvent): string {
  return e.currentTarget.value;
}

/** 93784 → "1d 2h 3m" (units from the language: `unit.d` …). */
export function fmtDuration(sec: number, t: T): string {
  const d = Math.floor(sec / 86400);
  const h = Math.floor((sec % 86400) / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = Math.floor(sec % 60);
  const u = (n: number, k: 'unit.d' | 'unit.h' | 'unit.m' | 'unit.s') => t(k, { n });
  if (d) return `${u(d, 'unit.d')} ${u(h, 'unit.h')} ${u(m, 'unit.m')}`;
  if (h) return `${u(h, 'unit.h')} ${u(m, 'unit.m')}`;
  if (m) return `${u(m, 'unit.m')} ${u(s, 'unit.s')}`;
  return u(s, 'unit.s');
}

/** A table of rows under a header row; a header is its label, or `{ label, class }`. */
export function DataTable(props: { testid: string; head: Array<ComponentChildren | { label: ComponentChildren; class: string }>; children: ComponentChildren }) {
  return (
    <div class="table-wrap">
      <table class="table" data-testid={props.testid}>
        <thead>
          <tr>
            {props.head.map((h, i) =>
              h !== null && typeof h === 'object' && 'class' in h ? (
                <th key={i} class={h.class}>
                  {h.label}
                </th>
              ) : (
                <th key={i}>{h}</th>
              ),
            )}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

/** A camera picker whose first option ("" — any, none, all) is `emptyLabel`. */
export function CameraSelect(props: { value: string; cameras: Array<{ id: string; name: string }> | undefined; emptyLabel: string; onChange(id: string): void; testid?: string }) {
  return (
    <select value={props.value} onChange={(e) => props.onChange(valueOf(e))} data-testid={props.testid}>
      <option value="">{props.emptyLabel}</option>
      {props.cameras?.map((c) => (
        <option value={c.id} key={c.id}>
          {c.name}
        </option>
      ))}
    </select>
  );
}

/** A class picker (the model's labels) whose first option ("") is every class. */
export function ClassSelect(props: { value: string; classes: readonly string[] | undefined; allLabel: string; onChange(cls: string): void; testid?: string }) {
  const { tc } = useI18n();
  return (
    <select value={props.value} onChange={(e) => props.onChange(valueOf(e))} data-testid={props.testid}>
      <option value="">{props.allLabel}</option>
      {props.classes?.map((c) => (
        <option value={c} key={c}>
          {tc(c)}
        </option>
      ))}
    </select>
  );
}

/** `<option>`s for zones or lines, by id, showing the name when there is one. */
export function ShapeOptions(props: { shapes: ReadonlyArray<{ id: string; name?: string | undefined }> }) {
  return (
    <>
      {props.shapes.map((l) => (
        <option value={l.id} key={l.id}>
          {l.name ?? l.id}
        </option>
      ))}
    </>
  );
}
