/**
 * The analytic engines' sections of a PDF report (issue 18), on pages of their own after the charts:
 * the queues (a table, the length over time as steps and the served / abandoned per interval as
 * bars), occupancy (each area with its % of capacity and the day's correction with its reasons, each
 * zone with a capacity) and speed (p50 / p85 / p95 per zone and class, in m/s). Zones and areas by
 * name, cameras by name; words in the report's language.
 */
import type { OccupancySection } from '../analytics/engines/occupancy.js';
import type { QueuesSection } from '../analytics/engines/queues.js';
import type { SpeedSection } from '../analytics/engines/speed.js';
import type { ReportBody } from '../analytics/report-builder.js';
import type { ReportEvery } from '../alerts/messages.js';
import type { MessageKey } from '../alerts/locale/en.js';
import { message, type Language } from '../alerts/locale/text.js';
import { localStamp } from '../util/time-zone.js';
import { axes, legend, niceMax } from './pdf-charts.js';
import type { PdfDocument } from './pdf-document.js';

/** Where the queue charts are drawn on the queues page (points from the top-left; the tests look there). */
export const QUEUE_LENGTH_BOX = { x: 70, y: 330, w: 480, h: 150 } as const;
export const QUEUE_FLOW_BOX = { x: 70, y: 560, w: 480, h: 150 } as const;
const QUEUE_COLOURS = ['#1f77b4', '#2ca02c', '#9467bd', '#8c564b'];
const SERVED = '#2ca02c';
const ABANDONED = '#d62728';

/** The section's words in the report's language (alerts/locale: `pdf18.*`). */
function words(lang: Language) {
  const w = (k: MessageKey, vars?: Record<string, string | number>) => message(lang, k, vars);
  return {
    queues: w('pdf18.queues'),
    queue: w('pdf18.queue'),
    joined: w('pdf18.joined'),
    served: w('pdf18.served'),
    abandoned: w('pdf18.abandoned'),
    meanWait: w('pdf18.meanWait'),
    maxWait: w('pdf18.maxWait'),
    meanLength: w('pdf18.meanLength'),
    maxLength: w('pdf18.maxLength'),
    lengthOverTime: w('pdf18.lengthOverTime'),
    occupancy: w('pdf18.occupancy'),
    area: w('pdf18.area'),
    zone: w('pdf18.zone'),
    entries: w('pdf18.entries'),
    exits: w('pdf18.exits'),
    peak: w('pdf18.peak'),
    capacity: w('pdf18.capacity'),
    ofCapacity: w('pdf18.ofCapacity'),
    minutesOver: w('pdf18.minutesOver'),
    correction: w('pdf18.correction'),
    noCorrection: w('pdf18.noCorrection'),
    speed: w('pdf18.speed'),
    cls: w('pdf18.cls'),
    samples: w('pdf18.samples'),
    wholeView: w('pdf18.wholeView'),
    mean: w('pdf18.mean'),
    max: w('pdf18.max'),
    flowPerInterval: (min: number) => w('pdf18.flowPerInterval', { min }),
    reasons: { below_zero: w('pdf18.reason_below_zero'), below_seen: w('pdf18.reason_below_seen'), closing: w('pdf18.reason_closing') } as Record<string, string>,
  };
}
type Words = ReturnType<typeof words>;

export interface SectionContext {
  every: ReportEvery;
  timeZone: string;
  language: Language;
  /** A camera's display name (default: its id). */
  cameraName?: ((id: string) => string) | undefined;
}

const num = (v: number | null | undefined, digits = 0) => (v === null || v === undefined ? '–' : String(Math.round(v * 10 ** digits) / 10 ** digits));

/** A row of cells at x positions (the first wraps within its column). */
function row(pdf: PdfDocument, y: number, xs: readonly number[], cells: readonly string[], o: { bold?: boolean; size?: number } = {}): number {
  let h = 0;
  cells.forEach((c, i) => {
    const w = (xs[i + 1] ?? pdf.width - pdf.margin) - xs[i]! - 4;
    h = Math.max(h, pdf.text(c, xs[i]!, y, { size: o.size ?? 8, bold: o.bold ?? false, width: w }));
  });
  return h + 4;
}

/** A bar of a % of capacity (full width = 100 %; red above it); 0 (the height it adds). */
function pctBar(pdf: PdfDocument, x: number, y: number, pct: number | null): number {
  if (pct === null) return 0;
  pdf.rect(x, y + 1, 50, 6, '#eeeeee');
  if (pct > 0) pdf.rect(x, y + 1, (50 * Math.min(100, pct)) / 100, 6, pct > 100 ? '#d62728' : '#1f77b4');
  return 0;
}

/** Adds the engines' pages to `pdf` (nothing when the report has no engine section). */
export function renderEngineSections(pdf: PdfDocument, body: ReportBody, ctx: SectionContext): void {
  const a = (body.analytics ?? {}) as { queues?: QueuesSection; occupancy?: OccupancySection; speed?: SpeedSection };
  const s = words(ctx.language);
  const cam = ctx.cameraName ?? ((id: string) => id);
  if (a.queues?.queues.length) queuesPage(pdf, body, a.queues, ctx, s, cam);
  const occ = a.occupancy && (Object.keys(a.occupancy.areas).length || a.occupancy.zones.length) ? a.occupancy : undefined;
  const speed = a.speed?.zones.length ? a.speed : undefined;
  if (!occ && !speed) return;
  pdf.addPage();
  const m = pdf.margin;
  let y = m;
  if (occ) {
    y += pdf.text(s.occupancy, m, y, { size: 13, bold: true }) + 6;
    const areas = Object.entries(occ.areas).map(([id, ar]) => ({ ...ar, name: ar.name ?? id }));
    if (areas.length) {
      const xs = [m, m + 190, m + 245, m + 300, m + 345, m + 425];
      y += row(pdf, y, xs, [s.area, s.entries, s.exits, s.peak, s.capacity, s.ofCapacity], { bold: true });
      for (const ar of areas) {
        pctBar(pdf, xs[5]! + 45, y, ar.peak_percent);
        y += row(pdf, y, xs, [`${ar.name}${ar.cameras?.length ? ` · ${ar.cameras.map(cam).join(', ')}` : ''}`, num(ar.entries), num(ar.exits), num(ar.peak), num(ar.capacity), ar.peak_percent === null ? '–' : `${num(ar.peak_percent, 1)} %`]);
        const fixes = ar.corrections.length
          ? ar.corrections.map((c) => `${c.day}: +${c.added} / −${c.removed} (${Object.entries(c.by_reason).map(([r, v]) => `${s.reasons[r] ?? r} +${v.added}/−${v.removed}`).join('; ')})`).join('\n')
          : s.noCorrection;
        y += pdf.text(`${s.correction}: ${fixes}`, m + 12, y, { size: 8, color: '#444444' }) + 6;
      }
      y += 8;
    }
    if (occ.zones.length) {
      const xs = [m, m + 190, m + 245, m + 325, m + 425];
      y += row(pdf, y, xs, [s.zone, s.peak, s.capacity, s.ofCapacity, s.minutesOver], { bold: true });
      for (const z of occ.zones) y += pctBar(pdf, xs[3]! + 45, y, z.peak_percent) + row(pdf, y, xs, [`${z.name ?? z.zone} · ${cam(z.camera)}`, num(z.peak), num(z.capacity), `${num(z.peak_percent, 1)} %`, num(z.minutes_over)]);
    }
    y += 16;
  }
  if (speed) {
    y += pdf.text(s.speed, m, y, { size: 13, bold: true }) + 6;
    const xs = [m, m + 190, m + 250, m + 300, m + 345, m + 390, m + 435, m + 480];
    y += row(pdf, y, xs, [s.zone, s.cls, s.samples, s.mean, 'p50', 'p85', 'p95', s.max], { bold: true });
    for (const z of speed.zones) {
      if (y > pdf.height - m - 20) {
        pdf.addPage();
        y = m;
      }
      y += row(pdf, y, xs, [`${z.zone === '*' ? s.wholeView : (z.name ?? z.zone)} · ${cam(z.camera)}`, z.class, num(z.samples), num(z.mean_mps, 2), num(z.p50_mps, 2), num(z.p85_mps, 2), num(z.p95_mps, 2), num(z.max_mps, 2)]);
    }
  }
}

function queuesPage(pdf: PdfDocument, body: ReportBody, q: QueuesSection, ctx: SectionContext, s: Words, cam: (id: string) => string): void {
  pdf.addPage();
  const m = pdf.margin;
  let y = m;
  y += pdf.text(s.queues, m, y, { size: 13, bold: true }) + 6;
  const xs = [m, m + 150, m + 195, m + 245, m + 305, m + 370, m + 435, m + 485];
  y += row(pdf, y, xs, [s.queue, s.joined, s.served, s.abandoned, s.meanWait, s.maxWait, s.meanLength, s.maxLength], { bold: true });
  const shown = q.queues.slice(0, 8);
  for (const x of shown) y += row(pdf, y, xs, [`${x.name ?? x.zone} · ${cam(x.camera)}`, num(x.joined), num(x.served), num(x.abandoned), num(x.mean_wait_seconds, 1), num(x.max_wait_seconds, 1), num(x.mean_length, 2), num(x.max_length)]);

  // Every interval of the report's range (none stored: no length drawn, nobody served).
  const step = q.interval_seconds;
  const from = Math.floor(Date.parse(body.from) / 1000 / step) * step;
  const to = Date.parse(body.to) / 1000;
  const starts: number[] = [];
  for (let t = from; t < to && starts.length < 5000; t += step) starts.push(t);
  const n = Math.max(1, starts.length);
  const label = (t: number) => localStamp(t * 1000, ctx.timeZone).slice(ctx.every === 'day' ? 11 : 5, 16);
  const timeLabels = (box: { x: number; y: number; w: number; h: number }) => {
    const every = Math.max(1, Math.ceil(n / 8));
    starts.forEach((t, i) => {
      if (i % every === 0) pdf.text(label(t), box.x + (i / n) * box.w, box.y + box.h + 4, { size: 7, color: '#555555', width: 70 });
    });
  };

  // Length: steps of each queue's mean length per interval.
  const L = QUEUE_LENGTH_BOX;
  pdf.text(s.lengthOverTime, m, L.y - 34, { size: 11, bold: true });
  legend(pdf, m, L.y - 18, shown.slice(0, QUEUE_COLOURS.length).map((x, i) => [QUEUE_COLOURS[i]!, x.name ?? x.zone]));
  const lenMax = niceMax(Math.max(0, ...shown.flatMap((x) => x.intervals.map((i) => i.mean_length))));
  axes(pdf, L, lenMax);
  shown.slice(0, QUEUE_COLOURS.length).forEach((x, qi) => {
    const by = new Map(x.intervals.map((i) => [i.start, i]));
    let run: Array<[number, number]> = [];
    const flush = () => {
      pdf.polyline(run, QUEUE_COLOURS[qi]!, 1.6);
      run = [];
    };
    starts.forEach((t, i) => {
      const v = by.get(t);
      if (!v) return flush();
      const yy = L.y + L.h - (v.mean_length / lenMax) * L.h;
      run.push([L.x + (i / n) * L.w, yy], [L.x + ((i + 1) / n) * L.w, yy]);
    });
    flush();
  });
  timeLabels(L);

  // Served and abandoned: bars side by side per interval (all queues together).
  const F = QUEUE_FLOW_BOX;
  pdf.text(s.flowPerInterval(step / 60), m, F.y - 34, { size: 11, bold: true });
  legend(pdf, m, F.y - 18, [[SERVED, s.served], [ABANDONED, s.abandoned]]);
  const sums = starts.map((t) => {
    let served = 0;
    let abandoned = 0;
    for (const x of q.queues) {
      const v = x.intervals.find((i) => i.start === t);
      served += v?.served ?? 0;
      abandoned += v?.abandoned ?? 0;
    }
    return { served, abandoned };
  });
  const flowMax = niceMax(Math.max(0, ...sums.flatMap((v) => [v.served, v.abandoned])));
  axes(pdf, F, flowMax);
  const slot = F.w / n;
  const barW = Math.max(0.8, slot * 0.4);
  sums.forEach((v, i) => {
    const x0 = F.x + i * slot + slot * 0.1;
    const hs = (v.served / flowMax) * F.h;
    const ha = (v.abandoned / flowMax) * F.h;
    if (hs > 0) pdf.rect(x0, F.y + F.h - hs, barW, hs, SERVED);
    if (ha > 0) pdf.rect(x0 + barW, F.y + F.h - ha, barW, ha, ABANDONED);
  });
  timeLabels(F);
}

