import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n';
import { nowSec } from '../data';
import { valueOf } from './ui';
import { siteTimeZone } from '../site';
import { fromZonedInput, startOfZonedDay, toZonedInput, useFormat } from '../format';

export interface TimeRange {
  from: number;
  to: number;
  /** The preset it came from ('custom' for typed dates). */
  preset: Preset;
}

export type Preset = '1h' | '6h' | '24h' | '7d' | 'today' | 'custom';
const SPANS: Record<Exclude<Preset, 'custom' | 'today'>, number> = { '1h': 3600, '6h': 6 * 3600, '24h': 86400, '7d': 7 * 86400 };

/**
 * A range ending now for a preset (computed when asked, so "last hour" stays the last hour); "today"
 * begins at midnight in `timeZone` (default: the site's; the browser's own while the site has none).
 */
export function presetRange(p: Preset, custom?: { from: number; to: number }, timeZone = siteTimeZone()): TimeRange {
  const to = nowSec() + 1;
  if (p === 'custom') return { ...(custom ?? { from: to - 3600, to }), preset: p };
  if (p === 'today') return { from: startOfZonedDay(Date.now(), timeZone), to, preset: p };
  return { from: to - SPANS[p], to, preset: p };
}

/** Preset buttons (last hour … 7 days, today) and, for "custom", two datetime-local inputs on the site's wall clock. */
export function RangePicker(props: { value: TimeRange; onChange(r: TimeRange): void; presets?: Preset[] }) {
  const { t } = useI18n();
  const { timeZone } = useFormat();
  const presets = props.presets ?? ['1h', '24h', '7d', 'today', 'custom'];
  const toLocalInput = (sec: number) => toZonedInput(sec, timeZone);
  const [from, setFrom] = useState(toLocalInput(props.value.from));
  const [to, setTo] = useState(toLocalInput(props.value.to));
  const applyCustom = (f: string, tt: string) => {
    const a = fromZonedInput(f, timeZone);
    const b = fromZonedInput(tt, timeZone);
    if (a !== undefined && b !== undefined && a < b) props.onChange({ from: a, to: b, preset: 'custom' });
  };
  return (
    <div class="range-picker">
      <div class="segmented" role="group" aria-label={t('range.label')}>
        {presets.map((p) => (
          <button
            type="button"
            key={p}
            class={props.value.preset === p ? 'active' : ''}
            aria-pressed={props.value.preset === p}
            onClick={() => {
              const r = presetRange(p, props.value, timeZone);
              setFrom(toLocalInput(r.from));
              setTo(toLocalInput(r.to));
              props.onChange(r);
            }}
          >
            {t(`range.${p}`)}
          </button>
        ))}
      </div>
      {props.value.preset === 'custom' && (
        <div class="range-custom">
          <input type="datetime-local" aria-label={t('range.from')} value={from} onChange={(e) => (setFrom(valueOf(e)), applyCustom(valueOf(e), to))} />
          <span>–</span>
          <input type="datetime-local" aria-label={t('range.to')} value={to} onChange={(e) => (setTo(valueOf(e)), applyCustom(from, valueOf(e)))} />
        </div>
      )}
    </div>
  );
}
