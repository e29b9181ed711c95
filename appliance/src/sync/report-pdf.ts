/**
 * A report as a PDF: the period and totals with their comparisons, the peak hour and busiest zone,
 * a line chart of arrivals and exits over time, grouped in/out bars per local hour (a day) or local
 * day (a week, a month), each camera's presence heatmap, the weekday × hour table when the report
 * has one, and the queues, occupancy and speed sections (report-pdf-sections.ts). Words in the site's
 * language, times in the site's time zone.
 */
import type { ReportBody } from '../analytics/report-builder.js';
import { renderHeatmapPng } from '../analytics/heatmap-render.js';
import type { Language, ReportEvery, ReportStrings } from '../alerts/messages.js';
import { localDate, localStamp } from '../util/time-zone.js';
import { PdfDocument } from './pdf-document.js';
import { axes, GRID, IN_COLOUR, legend, niceMax, OUT_COLOUR, xLabels } from './pdf-charts.js';
import { renderEngineSections } from './report-pdf-sections.js';

/** Where the two charts of page 1 are drawn (points from the top-left; the tests look there). */
export const LINE_CHART_BOX = { x: 70, y: 280, w: 480, h: 190 } as const;
export const BAR_CHART_BOX = { x: 70, y: 530, w: 480, h: 190 } as const;

export interface PdfContext {
  every: ReportEvery;
  site: string;
  timeZone: string;
  strings: ReportStrings;
  /** The language of `strings` (the engines' sections, report-pdf-sections.ts); default en. */
  language?: Language | undefined;
  /** A camera's display name (default: its id). */
  cameraName?: ((id: string) => string) | undefined;
}

/** A change with its sign (+3, −2 as -2, 0). */
export const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

/** The report as PDF bytes. */
export async function renderReportPdf(body: ReportBody, ctx: PdfContext): Promise<Buffer> {
  const s = ctx.strings;
  const tz = ctx.timeZone;
  const pdf = new PdfDocument({ title: `${s.title[ctx.every]}${ctx.site ? ` · ${ctx.site}` : ''}` });
  const m = pdf.margin;
  let y = m;
  y += pdf.text(`${s.title[ctx.every]}${ctx.site ? ` · ${ctx.site}` : ''}`, m, y, { size: 18, bold: true }) + 4;
  const from = Date.parse(body.from);
  const to = Date.parse(body.to);
  y += pdf.text(`${s.period}: ${localStamp(from, tz)} – ${localStamp(to, tz)} (${s.timeZone} ${tz})`, m, y, { size: 10 });
  y += pdf.text(`${s.generated}: ${localStamp(Date.parse(body.generated_at), tz)}`, m, y, { size: 8, color: '#666666' }) + 10;

  // Totals with one column per comparison: the change, absolute and in %.
  const totals = body.totals ?? { entries: 0, exits: 0, crossings_in: 0, crossings_out: 0, arrivals: 0 };
  const comps = body.comparisons ?? [];
  const cols = [m, m + 170, m + 230, m + 370];
  pdf.text(s.totals, cols[0]!, y, { size: 10, bold: true });
  comps.slice(0, 2).forEach((c, i) => pdf.text(c.kind === 'previous' ? s.vsPrevious[ctx.every] : s.vsWeeks(c.weeks_back ?? 1), cols[i + 2]!, y, { size: 8, bold: true, width: 135 }));
  y += 22;
  for (const [key, label] of [['arrivals', s.arrivals], ['entries', s.entries], ['exits', s.exits], ['crossings_in', s.in], ['crossings_out', s.out]] as const) {
    pdf.text(label, cols[0]!, y, { size: 9 });
    pdf.text(String(totals[key]), cols[1]!, y, { size: 9, bold: true, width: 55 });
    comps.slice(0, 2).forEach((c, i) => {
      const ch = c.change[key];
      pdf.text(`${signed(ch.abs)}${ch.pct === null ? '' : ` (${signed(ch.pct)}%)`}  [${c.totals[key]}]`, cols[i + 2]!, y, { size: 9, width: 135 });
    });
    y += 14;
  }
  y += 6;
  const peak = body.peak_hour ? `${body.peak_hour.local} (${body.peak_hour.arrivals})` : s.none;
  y += pdf.text(`${s.peakHour}: ${peak}`, m, y, { size: 10 });
  const b = body.busiest_zone;
  const busiest = b ? `${body.zones.find((z) => z.camera === b.camera && z.zone === b.zone)?.name ?? b.zone} · ${ctx.cameraName?.(b.camera) ?? b.camera} (${b.entries})` : s.none;
  pdf.text(`${s.busiestZone}: ${busiest}`, m, y, { size: 10 });

  // Line chart: arrivals and exits per timeline bucket.
  const L = LINE_CHART_BOX;
  pdf.text(s.countsOverTime, m, L.y - 26, { size: 11, bold: true });
  legend(pdf, L.x + L.w - 300, L.y - 26, [[IN_COLOUR, s.arrivals], [OUT_COLOUR, s.departures]]);
  const arrivals = body.timeline.map((r) => r.entries + r.crossings_in);
  const leaving = body.timeline.map((r) => r.exits + r.crossings_out);
  const lineMax = niceMax(Math.max(0, ...arrivals, ...leaving));
  axes(pdf, L, lineMax);
  const px = (i: number) => L.x + (body.timeline.length > 1 ? (i / (body.timeline.length - 1)) * L.w : L.w / 2);
  const py = (v: number) => L.y + L.h - (v / lineMax) * L.h;
  pdf.polyline(leaving.map((v, i) => [px(i), py(v)]), OUT_COLOUR, 2);
  pdf.polyline(arrivals.map((v, i) => [px(i), py(v)]), IN_COLOUR, 2);
  const tick = Math.max(1, Math.ceil(body.timeline.length / 8));
  body.timeline.forEach((r, i) => {
    if (i % tick === 0) pdf.text(localStamp(Date.parse(r.time), tz).slice(ctx.every === 'day' ? 11 : 5), px(i) - 10, L.y + L.h + 4, { size: 7, color: '#555555', width: 60 });
  });

  // Grouped bars: in and out side by side per local hour (a day) or local day.
  const B = BAR_CHART_BOX;
  pdf.text(s.inOutBars, m, B.y - 26, { size: 11, bold: true });
  legend(pdf, B.x + B.w - 220, B.y - 26, [[IN_COLOUR, s.in.split(' ')[0]!], [OUT_COLOUR, s.out.split(' ')[0]!]]);
  const groups = new Map<string, { in: number; out: number }>();
  for (const r of body.timeline) {
    const t = Date.parse(r.time);
    const key = ctx.every === 'day' ? localStamp(t, tz).slice(11, 13) + ':00' : localDate(t, tz).slice(5);
    const g = groups.get(key) ?? { in: 0, out: 0 };
    g.in += r.entries + r.crossings_in;
    g.out += r.exits + r.crossings_out;
    groups.set(key, g);
  }
  const bars = [...groups.entries()];
  const barMax = niceMax(Math.max(0, ...bars.flatMap(([, g]) => [g.in, g.out])));
  axes(pdf, B, barMax);
  const slot = B.w / Math.max(1, bars.length);
  const barW = Math.max(1, slot * 0.38);
  bars.forEach(([, g], i) => {
    const x0 = B.x + i * slot + slot * 0.1;
    const hIn = (g.in / barMax) * B.h;
    const hOut = (g.out / barMax) * B.h;
    if (hIn > 0) pdf.rect(x0, B.y + B.h - hIn, barW, hIn, IN_COLOUR);
    if (hOut > 0) pdf.rect(x0 + barW + slot * 0.04, B.y + B.h - hOut, barW, hOut, OUT_COLOUR);
  });
  xLabels(pdf, B, bars.map(([k]) => k));

  // A page per two cameras' heatmaps.
  for (const [i, h] of body.heatmaps.entries()) {
    if (i % 2 === 0) pdf.addPage();
    const top = m + (i % 2) * 380;
    pdf.text(`${s.heatmap} · ${h.camera}`, m, top, { size: 11, bold: true });
    const w = 640;
    const hgt = Math.max(1, Math.round((w * h.height) / h.width));
    const png = await renderHeatmapPng({ width: h.width, height: h.height, values: Float32Array.from(h.values) }, { width: w, height: Math.min(hgt, 2 * w) });
    pdf.image(png, m, top + 20, pdf.width - 2 * m, 340);
  }

  // The weekday × hour table, cells shaded by their value.
  if (body.day_hour) {
    pdf.addPage();
    pdf.text(s.dayHour, m, m, { size: 11, bold: true });
    const cellW = (pdf.width - 2 * m - 30) / 24;
    const cellH = 22;
    const max = Math.max(1, ...body.day_hour.average.flat().map((v) => v ?? 0));
    for (let h = 0; h < 24; h++) pdf.text(String(h).padStart(2, '0'), m + 30 + h * cellW, m + 22, { size: 6, width: cellW, align: 'center' });
    body.day_hour.average.forEach((row, d) => {
      const yy = m + 34 + d * cellH;
      pdf.text(s.weekdays[d] ?? '', m, yy + 6, { size: 8, width: 28 });
      row.forEach((v, h) => {
        const shade = v === null ? 255 : Math.round(245 - (v / max) * 180);
        const hex = shade.toString(16).padStart(2, '0');
        pdf.rect(m + 30 + h * cellW, yy, cellW, cellH, v === null ? '#ffffff' : `#${hex}${hex}ff`, GRID);
        if (v !== null) pdf.text(String(Math.round(v * 10) / 10), m + 30 + h * cellW, yy + 7, { size: 5.5, width: cellW, align: 'center' });
      });
    });
  }
  renderEngineSections(pdf, body, { every: ctx.every, timeZone: tz, language: ctx.language ?? 'en', cameraName: ctx.cameraName });
  return pdf.end();
}
