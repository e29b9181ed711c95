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

/**
 * Queues, occupancy and speed (issue 18): a small live gauge per area and per zone with a capacity
 * (now vs. capacity), and each queue's length and estimated wait. Nothing when the camera has none.
 */
export function CapacityGauge(props: { counts: CountsData | undefined }) {
  const { t } = useI18n();
  const a = (props.counts as (CountsData & { analytics?: EngineFigures }) | undefined)?.analytics;
  const areas = Object.entries(a?.occupancy?.areas ?? {});
  const zones = Object.entries(a?.occupancy?.zones ?? {});
  const queues = Object.entries(a?.queues ?? {});
  if (!areas.length && !zones.length && !queues.length) return null;
  return (
    <Card>
      <h3>{t('occ.title')}</h3>
      <dl class="capacity-gauge" data-testid="capacity-gauge">
        {areas.map(([id, g]) => (
          <div key={`a-${id}`}>
            <dt>
              {g.name} ({t('occ.area')}): {g.occupancy}
              {g.capacity ? ` / ${g.capacity}` : ''}
            </dt>
            <dd>
              {g.percent !== null && <ProgressBar value={g.percent} label={g.name} />}
              <small>{t('occ.corrected', { added: String(g.added), removed: String(g.removed) })}</small>
            </dd>
          </div>
        ))}
        {zones.map(([id, g]) => (
          <div key={`z-${id}`}>
            <dt>
              {id}: {g.occupancy} / {g.capacity}
            </dt>
            <dd>
              <ProgressBar value={g.percent} label={id} />
            </dd>
          </div>
        ))}
        {queues.map(([id, q]) => (
          <div key={`q-${id}`}>
            <dt>{id}</dt>
            <dd>{t('occ.queue', { n: String(q.length), s: String(Math.round(q.estimated_wait_seconds)) })}</dd>
          </div>
        ))}
      </dl>
    </Card>
  );
}
