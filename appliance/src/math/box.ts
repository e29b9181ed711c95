/** Axis-aligned boxes in pixel coordinates: x1, y1 (top-left) and x2, y2 (bottom-right). */
export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export function area(b: Box): number {
  return Math.max(0, b.x2 - b.x1) * Math.max(0, b.y2 - b.y1);
}

/** Intersection over union; 0 for disjoint or empty boxes. */
export function iou(a: Box, b: Box): number {
  const iw = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  if (iw <= 0) return 0;
  const ih = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (ih <= 0) return 0;
  const inter = iw * ih;
  const union = area(a) + area(b) - inter;
  return union > 0 ? inter / union : 0;
}

/** Box from MOTChallenge's left, top, width, height. */
export function fromLtwh(left: number, top: number, width: number, height: number): Box {
  return { x1: left, y1: top, x2: left + width, y2: top + height };
}
