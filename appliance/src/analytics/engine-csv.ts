import { csvText } from './comparisons.js';
import type { OccupancySection } from './engines/occupancy.js';
import type { QueuesSection } from './engines/queues.js';
import type { SpeedSection } from './engines/speed.js';

/**
 * The analytic engines' sections of a report as CSV blocks (issue 18), appended after the timeline
 * and the comparisons, a blank line before each: the queues' totals and their intervals, the areas
 * with their corrections per day, the zones with a capacity, and the speeds. Names beside ids;
 * nothing when the report has none of them.
 */
export function engineCsv(body: { analytics?: Record<string, unknown> | undefined }): string {
  const a = (body.analytics ?? {}) as { queues?: QueuesSection; occupancy?: OccupancySection; speed?: SpeedSection };
  const cell = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));
  const text = (v: string | undefined) => csvText(v ?? '');
  const blocks: string[] = [];
  if (a.queues?.queues.length) {
    const figures = ['joined', 'served', 'abandoned', 'mean_wait_seconds', 'max_wait_seconds', 'mean_length', 'max_length', 'mean_estimated_wait_seconds', 'max_estimated_wait_seconds'] as const;
    blocks.push(['queue_camera,queue_zone,queue_name,' + figures.join(','), ...a.queues.queues.map((q) => [text(q.camera), text(q.zone), text(q.name ?? q.zone), ...figures.map((f) => cell(q[f]))].join(','))].join('\n'));
    blocks.push([
      `queue_camera,queue_zone,interval_start,interval_seconds,${figures.join(',')}`,
      ...a.queues.queues.flatMap((q) => q.intervals.map((i) => [text(q.camera), text(q.zone), new Date(i.start * 1000).toISOString(), a.queues!.interval_seconds, ...figures.map((f) => cell(i[f]))].join(','))),
    ].join('\n'));
  }
  const areas = Object.entries(a.occupancy?.areas ?? {});
  if (areas.length) {
    blocks.push(['area,area_name,area_cameras,entries,exits,peak,capacity,peak_pct_of_capacity', ...areas.map(([id, x]) => [text(id), text(x.name ?? id), text((x.cameras ?? []).join(' ')), x.entries, x.exits, x.peak, cell(x.capacity), cell(x.peak_percent)].join(','))].join('\n'));
    const fixes = areas.flatMap(([id, x]) => x.corrections.flatMap((c) => Object.entries(c.by_reason).map(([reason, v]) => [text(id), c.day, reason, v.added, v.removed, c.added, c.removed].join(','))));
    if (fixes.length) blocks.push(['correction_area,correction_day,reason,added,removed,day_added,day_removed', ...fixes].join('\n'));
  }
  if (a.occupancy?.zones.length) {
    blocks.push(['capacity_camera,capacity_zone,zone_name,peak,capacity,peak_pct_of_capacity,minutes_over', ...a.occupancy.zones.map((z) => [text(z.camera), text(z.zone), text(z.name ?? z.zone), z.peak, z.capacity, z.peak_percent, z.minutes_over].join(','))].join('\n'));
  }
  if (a.speed?.zones.length) {
    blocks.push(['speed_camera,speed_zone,zone_name,class,samples,mean_mps,p50_mps,p85_mps,p95_mps,max_mps', ...a.speed.zones.map((z) => [text(z.camera), text(z.zone), text(z.name ?? z.zone), text(z.class), z.samples, z.mean_mps, z.p50_mps, z.p85_mps, z.p95_mps, z.max_mps].join(','))].join('\n'));
  }
  return blocks.map((b) => `\n${b}\n`).join('');
}
