/** The one place sharp is imported: still images → letterboxed model input. */
import sharp from 'sharp';
import { letterbox, type Letterbox } from './types.js';
import { packedRgbToPlanar } from './preprocess.js';

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
