import { VantageError } from '../errors.js';
import type { DecoderFamily } from './output-decoder.js';
import { picodetFamily } from './picodet-decoder.js';
import { yoloxFamily } from './yolox-decoder.js';

/** A family of any params type (each family's create() gets what its own schema parsed). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFamily = DecoderFamily<any>;

/** Every model family the detector can decode; a manifest chooses one by `output.decoder`. */
const FAMILIES: readonly AnyFamily[] = [
  yoloxFamily,
  picodetFamily,
];

export function decoderNames(): string[] {
  return FAMILIES.map((f) => f.name);
}

export function decoderFamily(name: string): DecoderFamily<unknown> {
  const f = FAMILIES.find((x) => x.name === name);
  if (!f) throw new VantageError('ERR_MODEL_INVALID', `unknown output decoder "${name}" (known: ${decoderNames().join(', ')})`);
  return f;
}
