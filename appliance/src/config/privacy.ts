import { z } from 'zod';

/**
 * Privacy (sites that must not keep faces): which parts of every image the appliance serves or sends
 * (snapshots, alert photos, event thumbnails, clips) are blurred, and whether any image leaves at all.
 * Recordings on disk are never altered: the blur is applied to each copy as it goes out.
 */

export const BLUR_MODES = ['none', 'people', 'faces_region'] as const;
export type BlurMode = (typeof BLUR_MODES)[number];

export const privacySchema = z.strictObject({
  /** none; people = whole boxes of the classes below; faces_region = the upper part of those boxes (where heads are). */
  blur: z.enum(BLUR_MODES).default('none'),
  /** true: no image anywhere (no snapshot, alert photo, thumbnail, clip or live view) and nothing recorded; counts and events only. */
  metadata_only: z.boolean().default(false),
  /** Model class names whose boxes are blurred. */
  classes: z.array(z.string().min(1).max(64)).min(1).max(32).default(['person']),
});

/** A camera's own privacy (`cameras[].privacy`): any key given replaces the global one. */
export const cameraPrivacySchema = z.strictObject({
  blur: z.enum(BLUR_MODES).optional(),
  metadata_only: z.boolean().optional(),
});

export type Privacy = z.output<typeof privacySchema>;
export type CameraPrivacy = z.output<typeof cameraPrivacySchema>;

export const NO_PRIVACY: Privacy = { blur: 'none', metadata_only: false, classes: ['person'] };

/** The privacy in force for a camera: the global one with the camera's own keys over it. */
export function privacyOf(global: Privacy, camera?: { privacy?: CameraPrivacy | undefined }): Privacy {
  const own = camera?.privacy;
  if (!own) return global;
  return { ...global, ...(own.blur !== undefined ? { blur: own.blur } : {}), ...(own.metadata_only !== undefined ? { metadata_only: own.metadata_only } : {}) };
}

/** Why an image is withheld, for a 403 and logs. */
export const METADATA_ONLY_MESSAGE = 'privacy.metadata_only is on for this camera: it keeps counts and events only, no image or video leaves the appliance';

/** Share of a box's height, from its top, blurred in faces_region mode (a standing person's head and shoulders, a seated one's face). */
export const FACE_REGION_SHARE = 0.4;
/** Each blurred region grows by this share of its box on every side (boxes lag a moving person by a little). */
export const BLUR_MARGIN_SHARE = 0.06;

export interface PixelBox {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** An integer rectangle inside the image. */
export interface Region {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * The rectangles to blur in an image of width×height for these boxes (image pixels), clipped to the
 * image; empty for blur `none` or boxes entirely outside.
 */
export function blurRegions(mode: BlurMode, boxes: readonly PixelBox[], width: number, height: number): Region[] {
  if (mode === 'none') return [];
  const out: Region[] = [];
  for (const b of boxes) {
    if (!(b.x2 > b.x1 && b.y2 > b.y1)) continue;
    const w = b.x2 - b.x1;
    const h = b.y2 - b.y1;
    const m = BLUR_MARGIN_SHARE;
    const y2 = mode === 'people' ? b.y2 + m * h : b.y1 + FACE_REGION_SHARE * h;
    const left = Math.max(0, Math.floor(b.x1 - m * w));
    const top = Math.max(0, Math.floor(b.y1 - m * h));
    const right = Math.min(width, Math.ceil(b.x2 + m * w));
    const bottom = Math.min(height, Math.ceil(y2));
    if (right - left >= 1 && bottom - top >= 1) out.push({ left, top, width: right - left, height: bottom - top });
  }
  return out;
}
