/** sharp for pictures: still images → letterboxed model input, frames → JPEG (heatmap PNGs: analytics/heatmap-render.ts). */
import sharp from 'sharp';
import { letterbox, type Letterbox } from './types.js';
import { PLANE, packedRgbToPlanar } from './preprocess.js';
import type { Region } from '../config/privacy.js';
import { blurRects } from '../math/box-blur.js';

/**
 * Decodes an image file and letterboxes it to inputWidth×inputHeight (top-left, padded with padValue),
 * returning planar gbrp pixels, the layout camera frames have.
 */
export async function letterboxImage(
  path: string,
  inputWidth: number,
  inputHeight: number,
  padValue: number,
): Promise<{ pixels: Uint8Array; letterbox: Letterbox }> {
  const meta = await sharp(path).rotate().metadata();
  const srcW = meta.autoOrient?.width ?? meta.width!;
  const srcH = meta.autoOrient?.height ?? meta.height!;
  const lb = letterbox(srcW, srcH, inputWidth, inputHeight);
  const { data } = await sharp(path)
    .rotate()
    .removeAlpha()
    .resize(lb.width, lb.height, { fit: 'fill', kernel: 'linear' })
    .extend({ top: 0, left: 0, right: inputWidth - lb.width, bottom: inputHeight - lb.height, background: { r: padValue, g: padValue, b: padValue } })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const pixels = packedRgbToPlanar(new Uint8Array(data.buffer, data.byteOffset, data.length), inputWidth, inputHeight);
  return { pixels, letterbox: lb };
}

/**
 * The picture area of a letterboxed planar (gbrp) frame as a JPEG of the source's size, with `blur`
 * regions (source pixels, config/privacy.ts) blurred before the one encoding.
 */
export async function frameToJpeg(frame: Uint8Array, lb: Letterbox, quality = 80, blur: readonly Region[] = []): Promise<Buffer> {
  const plane = lb.inputWidth * lb.inputHeight;
  const rgb = Buffer.allocUnsafe(lb.width * lb.height * 3);
  for (let y = 0, o = 0; y < lb.height; y++) {
    for (let x = 0, p = y * lb.inputWidth; x < lb.width; x++, p++, o += 3) {
      rgb[o] = frame[PLANE.R * plane + p]!;
      rgb[o + 1] = frame[PLANE.G * plane + p]!;
      rgb[o + 2] = frame[PLANE.B * plane + p]!;
    }
  }
  const img = sharp(rgb, { raw: { width: lb.width, height: lb.height, channels: 3 } }).resize(lb.srcWidth, lb.srcHeight, { fit: 'fill' });
  return blurredJpeg(img, blur, quality);
}

/** A JPEG with the regions (its pixels) blurred; pixels outside them are those of a plain re-encoding. */
export function blurJpeg(jpeg: Buffer, regions: readonly Region[], quality = 80): Promise<Buffer> {
  return blurredJpeg(sharp(jpeg).removeAlpha(), regions, quality);
}

/** Blurs the regions (math/box-blur.ts) of the decoded image and encodes it once. */
async function blurredJpeg(img: sharp.Sharp, regions: readonly Region[], quality: number): Promise<Buffer> {
  if (!regions.length) return img.jpeg({ quality }).toBuffer();
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  blurRects(data, info.width, info.height, info.channels, regions);
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }).jpeg({ quality }).toBuffer();
}

export interface Overlay {
  /** Boxes in the image's pixels. */
  boxes: Array<{ x1: number; y1: number; x2: number; y2: number; label: string; color: string }>;
  /** Outlines (zones, lines) in normalised 0..1 coordinates. */
  shapes: Array<{ points: Array<[number, number]>; closed: boolean; color: string }>;
}

const xmlEscape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Draws boxes with labels and zone/line outlines over a JPEG (for alert snapshots). */
export async function annotateJpeg(jpeg: Buffer, o: Overlay, quality = 80): Promise<Buffer> {
  const meta = await sharp(jpeg).metadata();
  const w = meta.width!;
  const h = meta.height!;
  const stroke = Math.max(3, Math.round(w / 213));
  const font = Math.max(12, Math.round(w / 45));
  const parts: string[] = [];
  for (const s of o.shapes) {
    const pts = s.points.map(([x, y]) => `${(x * w).toFixed(1)},${(y * h).toFixed(1)}`).join(' ');
    parts.push(`<${s.closed ? 'polygon' : 'polyline'} points="${pts}" fill="none" stroke="${xmlEscape(s.color)}" stroke-width="${stroke}" stroke-dasharray="${stroke * 3},${stroke * 2}"/>`);
  }
  for (const b of o.boxes) {
    const x = Math.max(0, b.x1);
    const y = Math.max(0, b.y1);
    parts.push(`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, b.x2 - x).toFixed(1)}" height="${Math.max(1, b.y2 - y).toFixed(1)}" fill="none" stroke="${xmlEscape(b.color)}" stroke-width="${stroke}"/>`);
    const ty = y > font + 4 ? y - 4 : y + font + 2;
    parts.push(`<text x="${(x + 2).toFixed(1)}" y="${ty.toFixed(1)}" font-family="sans-serif" font-size="${font}" fill="${xmlEscape(b.color)}" stroke="#000" stroke-width="0.6">${xmlEscape(b.label)}</text>`);
  }
  const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">${parts.join('')}</svg>`);
  return sharp(jpeg).composite([{ input: svg, top: 0, left: 0 }]).jpeg({ quality }).toBuffer();
}

// --- recordings (issue 17) ---
/** Width and height of an encoded image (PNG, JPEG …). */
export async function imageSize(image: Buffer): Promise<{ width: number; height: number }> {
  const meta = await sharp(image).metadata();
  return { width: meta.width!, height: meta.height! };
}
// --- end recordings ---
