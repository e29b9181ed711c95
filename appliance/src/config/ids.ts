import { z } from 'zod';

/** Ids and points of the config (config/schema.ts and the files split out of it). */
export const cameraId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be 1-64 chars of a-z, 0-9, "_" or "-", starting with a letter or digit');

export const shapeId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be 1-64 chars of a-z, 0-9, "_" or "-"');
export const point = z.tuple([z.number(), z.number()]);
