import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { VantageError } from '../errors.js';
import { formatPath } from '../config/loader.js';
import { decoderFamily, decoderNames } from './decoder-registry.js';

/** A model is described by a manifest, so a second model is a file, not a code change. */
const manifestSchema = z.strictObject({
  name: z.string().min(1),
  version: z.string().optional(),
  file: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  license: z.string().min(1),
  licenseFile: z.string().optional(),
  source: z.string().optional(),
  labels: z.string().min(1),
  input: z.strictObject({
    name: z.string().min(1),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    layout: z.literal('NCHW'),
    colorOrder: z.enum(['BGR', 'RGB']),
    scale: z.number().positive(),
    mean: z.tuple([z.number(), z.number(), z.number()]),
    std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
    /**
     * The picture at the input's top-left corner, padded right and bottom with padValue (YOLOX's
     * reference). Kept for dynamic sizes too, so a picture lies on the same stride grid whatever the
     * padding: the model is not invariant to shifts under a stride, and on the TUD clips moving the
     * picture 4 rows (centred padding) changed a person's score 7× or more as much as the amount of
     * padding did, its AP50 winning on some clips and losing on others (a mirrored clip flips the sign).
     */
    letterbox: z.strictObject({ align: z.literal('top-left'), padValue: z.number().int().min(0).max(255) }),
    /**
     * How a frame becomes the input: "letterbox" keeps the aspect (scaled to fit, padded at the right
     * and bottom), "stretch" scales each axis to fill the input (models trained that way, e.g. PicoDet).
     */
    resize: z.enum(['letterbox', 'stretch']).default('letterbox'),
    /**
     * Present when the model's height and width are symbolic: it runs at any size that is a multiple
     * of `multiple` (its largest stride), so the input can follow each camera's aspect
     * (`detector.input: auto`). width × height above is then the size the default pixel budget matches.
     */
    dynamicSize: z.strictObject({ multiple: z.number().int().min(1).max(256) }).optional(),
    /**
     * Images per session run the model accepts: a fixed count (the tensor always holds exactly that
     * many) or "dynamic" (any count; the detector runs as many as are waiting, up to detector.max_batch).
     */
    batch: z.union([z.number().int().positive(), z.literal('dynamic')]),
  }),
  /**
   * The output tensors (`name`, or `names` in the order the decoder reads them) and the decoder that
   * reads them (a family of decoder-registry.ts); the family checks its own keys.
   */
  output: z.looseObject({
    decoder: z.string().min(1),
    name: z.string().min(1).optional(),
    names: z.array(z.string().min(1)).min(1).optional(),
  }),
  defaults: z.strictObject({ nmsIou: z.number().gt(0).lte(1) }),
});

export type ManifestFile = z.output<typeof manifestSchema>;

export interface ModelManifest extends ManifestFile {
  /** Absolute path of the ONNX file. */
  modelPath: string;
  /** Class names, index = class id. */
  classes: string[];
  /** The output tensors the decoder reads, in its order. */
  outputNames: string[];
  /** The decoder family's own keys of `output`, as its schema parsed them. */
  decoderParams: unknown;
}

export function loadManifest(manifestPath: string): ModelManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (e) {
    throw new VantageError('ERR_MODEL_INVALID', `cannot read model manifest ${manifestPath}: ${(e as Error).message}`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new VantageError('ERR_MODEL_INVALID', `model manifest ${manifestPath}: ${formatPath(first.path) || '(root)'}: ${first.message}`);
  }
  const { decoder, name, names, ...own } = parsed.data.output;
  const fail = (field: string, message: string) => new VantageError('ERR_MODEL_INVALID', `model manifest ${manifestPath}: output.${field}: ${message}`);
  if (!decoderNames().includes(decoder)) throw fail('decoder', `unknown decoder "${decoder}" (known: ${decoderNames().join(', ')})`);
  const family = decoderFamily(decoder);
  const params = family.params(z).safeParse(own);
  if (!params.success) {
    const first = params.error.issues[0]!;
    throw fail(formatPath(first.path) || '(keys)', first.message);
  }
  const outputNames = names ?? (name ? [name] : []);
  if ((name === undefined) === (names === undefined)) throw fail('names', 'give exactly one of "name" and "names"');
  if (outputNames.length !== family.outputs(params.data)) throw fail('names', `the ${decoder} decoder reads ${family.outputs(params.data)} outputs, the manifest names ${outputNames.length}`);
  const dir = dirname(manifestPath);
  let classes: string[];
  try {
    classes = readFileSync(resolve(dir, parsed.data.labels), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
  } catch (e) {
    throw new VantageError('ERR_MODEL_INVALID', `cannot read labels of ${manifestPath}: ${(e as Error).message}`);
  }
  return { ...parsed.data, modelPath: resolve(dir, parsed.data.file), classes, outputNames, decoderParams: params.data };
}
