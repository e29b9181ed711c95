import type { LineConfig, TracksData, ZoneConfig } from '../api/types';

const PALETTE = ['#22c55e', '#3b82f6', '#f59e0b', '#ef4444', '#a855f7', '#14b8a6', '#ec4899', '#84cc16'];
/** Boxes older than this (no new `tracks` message) are cleared: the camera stopped or went quiet. */
const STALE_MS = 2000;

export interface OverlayOptions {
  /** Source-frame size the boxes are in. */
  frame(): { width: number; height: number };
  /** Class id → name. */
  label(classId: number): string;
}

/**
 * Draws the latest tracks (and the camera's zones and lines, if given) on a canvas laid over the
 * video, scaled from source-frame pixels to the canvas' displayed size, once per animation frame
 * at most and only when something changed.
 */
export class Overlay {
  private tracks: TracksData | undefined;
  private tracksAt = 0;
  private zones: ZoneConfig[] = [];
  private lines: LineConfig[] = [];
  private queued = 0;
  private staleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly opts: OverlayOptions,
  ) {}

  setTracks(d: TracksData): void {
    this.tracks = d;
    this.tracksAt = performance.now();
    clearTimeout(this.staleTimer);
    this.staleTimer = setTimeout(() => this.queue(), STALE_MS + 50);
    this.queue();
  }

  /** The tracks of the video frame being shown now: drawn at once, in the same rendering step as the frame. */
  showFrame(d: TracksData): void {
    this.setTracks(d);
    cancelAnimationFrame(this.queued);
    this.queued = 0;
    this.draw();
  }

  setShapes(zones: ZoneConfig[], lines: LineConfig[]): void {
    this.zones = zones;
    this.lines = lines;
    this.queue();
  }

  /** Number of boxes drawn last time (for tests and the tile's caption). */
  drawn = 0;

  close(): void {
    cancelAnimationFrame(this.queued);
    clearTimeout(this.staleTimer);
  }

  queue(): void {
    if (this.queued) return;
    this.queued = requestAnimationFrame(() => {
      this.queued = 0;
      this.draw();
    });
  }

  private draw(): void {
    const c = this.canvas;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(c.clientWidth * dpr);
    const h = Math.round(c.clientHeight * dpr);
    if (!w || !h) return;
    if (c.width !== w || c.height !== h) {
      c.width = w;
      c.height = h;
    }
    const ctx = c.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, w, h);
    this.drawShapes(ctx, w, h, dpr);
    this.drawn = 0;
    const shown = this.tracks && performance.now() - this.tracksAt <= STALE_MS ? this.tracks : undefined;
    // What is drawn, in source-frame pixels, for tests and anyone checking boxes against the picture.
    c.dataset.drawn = JSON.stringify(shown ? { seq: shown.seq, pts: shown.pts ?? null, rtp: shown.rtp ?? null, tracks: shown.tracks.map((t) => ({ id: t.id, class: t.class, box: t.box })) } : null);
    if (!shown) return;
    const frame = this.opts.frame();
    const sx = w / frame.width;
    const sy = h / frame.height;
    ctx.lineWidth = 2 * dpr;
    ctx.font = `${Math.round(11 * dpr)}px system-ui, sans-serif`;
    ctx.textBaseline = 'top';
    for (const t of shown.tracks) {
      const color = PALETTE[t.class % PALETTE.length]!;
      const x = t.box.x1 * sx;
      const y = t.box.y1 * sy;
      const bw = (t.box.x2 - t.box.x1) * sx;
      const bh = (t.box.y2 - t.box.y1) * sy;
      ctx.strokeStyle = color;
      ctx.strokeRect(x, y, bw, bh);
      const text = `${this.opts.label(t.class)} #${t.id}`;
      const tw = ctx.measureText(text).width + 6 * dpr;
      const th = 15 * dpr;
      const ty = y - th >= 0 ? y - th : y;
      ctx.fillStyle = color;
      ctx.fillRect(x, ty, tw, th);
      ctx.fillStyle = '#0b1220';
      ctx.fillText(text, x + 3 * dpr, ty + 2 * dpr);
      this.drawn++;
    }
  }

  private drawShapes(ctx: CanvasRenderingContext2D, w: number, h: number, dpr: number): void {
    ctx.lineWidth = 2 * dpr;
    ctx.font = `${Math.round(12 * dpr)}px system-ui, sans-serif`;
    for (const z of this.zones) {
      if (z.points.length < 3) continue;
      ctx.beginPath();
      z.points.forEach(([x, y], i) => (i ? ctx.lineTo(x * w, y * h) : ctx.moveTo(x * w, y * h)));
      ctx.closePath();
      ctx.fillStyle = 'rgba(56, 189, 248, 0.12)';
      ctx.fill();
      ctx.strokeStyle = 'rgba(56, 189, 248, 0.9)';
      ctx.stroke();
      const [x0, y0] = z.points[0]!;
      ctx.fillStyle = '#e0f2fe';
      ctx.fillText(z.name ?? z.id, x0 * w + 4 * dpr, y0 * h + 4 * dpr);
    }
    for (const l of this.lines) {
      const [[ax, ay], [bx, by]] = l.points;
      ctx.strokeStyle = 'rgba(250, 204, 21, 0.95)';
      ctx.beginPath();
      ctx.moveTo(ax * w, ay * h);
      ctx.lineTo(bx * w, by * h);
      ctx.stroke();
      arrowHead(ctx, ax * w, ay * h, bx * w, by * h, 10 * dpr);
      ctx.fillStyle = '#fef9c3';
      ctx.fillText(l.name ?? l.id, ((ax + bx) / 2) * w + 4 * dpr, ((ay + by) / 2) * h);
    }
  }
}

export function arrowHead(ctx: CanvasRenderingContext2D, ax: number, ay: number, bx: number, by: number, size: number): void {
  const a = Math.atan2(by - ay, bx - ax);
  ctx.beginPath();
  ctx.moveTo(bx, by);
  ctx.lineTo(bx - size * Math.cos(a - 0.45), by - size * Math.sin(a - 0.45));
  ctx.lineTo(bx - size * Math.cos(a + 0.45), by - size * Math.sin(a + 0.45));
  ctx.closePath();
  ctx.fillStyle = ctx.strokeStyle;
  ctx.fill();
}
