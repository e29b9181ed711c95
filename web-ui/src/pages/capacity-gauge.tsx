import type { CountsData } from '../api/types';
import { Card, ProgressBar } from '../components/ui';
import { useI18n } from '../i18n/i18n';

/** What the occupancy and queues engines put on the live `counts` topic (appliance/src/analytics/engines/). */
interface EngineFigures {
  occupancy?: {
    areas?: Record<string, { name: string; occupancy: number; capacity: number | null; percent: number | null; added: number; removed: number }>;
    zones?: Record<string, { occupancy: number; capacity: number; percent: number }>;
  };
  queues?: Record<string, { length: number; estimated_wait_seconds: number }>;
}

/** One gauge: a zone or area now vs. its capacity (none: the count alone). */
export interface GaugeItem {
  key: string;
  /** What people read: the zone's or area's name. */
  label: string;
  occupancy: number;
  capacity: number | null;
  percent: number | null;
  /** A line under the bar (the area's corrections). */
  note?: string;
}

/** A queue now: its length and the estimated wait of someone joining. */
export interface QueueItem {
  key: string;
  label: string;
  length: number;
  waitSeconds: number;
}

/** The gauges and queues as a list (the camera page's card and the home page's tiles); nothing when empty. */
export function GaugeList(props: { gauges: GaugeItem[]; queues: QueueItem[]; testid?: string }) {
  const { t, fmtNum } = useI18n();
  if (!props.gauges.length && !props.queues.length) return null;
  return (
    <dl class="capacity-gauge" data-testid={props.testid ?? 'capacity-gauge'}>
      {props.gauges.map((g) => (
        <div key={g.key} data-gauge={g.key}>
          <dt>
            <span data-testid="gauge-name">{g.label}</span>:{' '}
            <span data-testid="gauge-count">
              {fmtNum(g.occupancy)}
              {g.capacity ? ` / ${fmtNum(g.capacity)}` : ''}
            </span>
          </dt>
          <dd>
            {g.percent !== null && <ProgressBar value={g.percent} label={g.label} />}
            {g.note && <small>{g.note}</small>}
          </dd>
        </div>
      ))}
      {props.queues.map((q) => (
        <div key={q.key} data-queue={q.key}>
          <dt data-testid="queue-name">{q.label}</dt>
          <dd data-testid="queue-now">{t('occ.queue', { n: fmtNum(q.length), s: fmtNum(Math.round(q.waitSeconds)) })}</dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * Queues, occupancy and speed (issue 18): a small live gauge per area and per zone with a capacity
 * (now vs. capacity), and each queue's length and estimated wait. Nothing when the camera has none.
 */
export function CapacityGauge(props: { counts: CountsData | undefined }) {
  const { t } = useI18n();
  const a = (props.counts as (CountsData & { analytics?: EngineFigures }) | undefined)?.analytics;
  const gauges: GaugeItem[] = [
    ...Object.entries(a?.occupancy?.areas ?? {}).map(([id, g]) => ({
      key: `a-${id}`,
      label: `${g.name} (${t('occ.area')})`,
      occupancy: g.occupancy,
      capacity: g.capacity,
      percent: g.percent,
      note: t('occ.corrected', { added: String(g.added), removed: String(g.removed) }),
    })),
    ...Object.entries(a?.occupancy?.zones ?? {}).map(([id, g]) => ({ key: `z-${id}`, label: id, occupancy: g.occupancy, capacity: g.capacity, percent: g.percent })),
  ];
  const queues = Object.entries(a?.queues ?? {}).map(([id, q]) => ({ key: `q-${id}`, label: id, length: q.length, waitSeconds: q.estimated_wait_seconds }));
  if (!gauges.length && !queues.length) return null;
  return (
    <Card>
      <h3>{t('occ.title')}</h3>
      <GaugeList gauges={gauges} queues={queues} />
    </Card>
  );
}
