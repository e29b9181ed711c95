/** Chart pieces of the PDF reports (axes, labels, legends, scales), drawn through the one pdfkit adapter. */
import type { PdfDocument } from './pdf-document.js';

export const IN_COLOUR = '#1f77b4';
export const OUT_COLOUR = '#ff7f0e';
export const GRID = '#d9d9d9';

/** 1, 2, 5 × 10ⁿ at or above `v` (at least 1). */
export function niceMax(v: number): number {
  if (v <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 5, 10].find((m) => m * p >= v) ?? 10) * p;
}

export function axes(pdf: PdfDocument, box: { x: number; y: number; w: number; h: number }, max: number): void {
  for (const f of [0, 0.5, 1]) {
    const y = box.y + box.h - f * box.h;
    pdf.polyline([[box.x, y], [box.x + box.w, y]], GRID, 0.5);
    const label = String(Math.round(max * f));
    pdf.text(label, box.x - 6 - pdf.textWidth(label, 7), y - 4, { size: 7, color: '#555555', width: 40 });
  }
  pdf.polyline([[box.x, box.y], [box.x, box.y + box.h]], '#888888', 0.7);
}

export function xLabels(pdf: PdfDocument, box: { x: number; w: number; y: number; h: number }, labels: string[]): void {
  const every = Math.max(1, Math.ceil(labels.length / 8));
  const step = box.w / Math.max(1, labels.length);
  labels.forEach((l, i) => {
    if (i % every) return;
    pdf.text(l, box.x + i * step, box.y + box.h + 4, { size: 7, color: '#555555', width: 70 });
  });
}

export function legend(pdf: PdfDocument, x: number, y: number, items: Array<[string, string]>): void {
  let at = x;
  for (const [colour, label] of items) {
    pdf.rect(at, y + 2, 8, 8, colour);
    pdf.text(label, at + 11, y, { size: 8, width: 160 });
    at += 24 + pdf.textWidth(label, 8);
  }
}

