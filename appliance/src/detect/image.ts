/** sharp for pictures: still images → letterboxed model input, frames → JPEG (heatmap PNGs: analytics/heatmap-render.ts). */
import sharp from 'sharp';
import { letterbox, type Letterbox } from './types.js';
import { PLANE, packedRgbToPlanar } from './preprocess.js';

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

/** The picture area of a letterboxed planar (gbrp) frame as a JPEG of the source's size. */
export async function frameToJpeg(frame: Uint8Array, lb: Letterbox, quality = 80): Promise<Buffer> {
  const plane = lb.inputWidth * lb.inputHeight;
  const rgb = Buffer.allocUnsafe(lb.width * lb.height * 3);
  for (let y = 0, o = 0; y < lb.height; y++) {
    for (let x = 0, p = y * lb.inputWidth; x < lb.width; x++, p++, o += 3) {
      rgb[o] = frame[PLANE.R * plane + p]!;
      rgb[o + 1] = frame[PLANE.G * plane + p]!;
      rgb[o + 2] = frame[PLANE.B * plane + p]!;
    }
  }
  return sharp(rgb, { raw: { width: lb.width, height: lb.height, channels: 3 } })
    .resize(lb.srcWidth, lb.srcHeight, { fit: 'fill' })
    .jpeg({ quality })
    .toBuffer();
}
