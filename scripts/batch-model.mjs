// Makes a batch-capable copy of an ONNX detector exported with a fixed batch of 1 (the bundled
// YOLOX-Nano): the batch dimension of every declared tensor shape becomes symbolic ("batch") or a
// fixed N, and each Reshape whose target shape hard-codes the batch as 1 copies it from its input
// instead (0 in ONNX's Reshape before opset 14). Weights and every other byte stay as they are, so the
// output is a deterministic function of the input file.
//
//   node scripts/batch-model.mjs [--in models/yolox-nano/yolox_nano.onnx]
//                                [--out models/yolox-nano/yolox_nano_batch.onnx] [--batch dynamic|N]
//                                [--size fixed|dynamic]
//
// --size dynamic also makes the input's height and width symbolic ("height", "width"), so the same
// weights run at any multiple of the largest stride (aspect-aware input): allowed only when every
// Reshape flattens the spatial axes with -1 and every Slice on a spatial axis is open-ended, so no
// operator depends on the size; the declared output's cell count becomes symbolic ("cells") and the
// intermediate shape hints (value_info), which name fixed sizes, are dropped.
//
// No dependencies: the few ONNX protobuf fields it touches are read and written directly (field
// numbers from onnx.proto). A graph with an operator this script cannot prove batch-independent is
// refused rather than converted.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(new URL('..', import.meta.url).pathname);
const { values: args } = parseArgs({
  options: {
    in: { type: 'string', default: resolve(root, 'models/yolox-nano/yolox_nano.onnx') },
    out: { type: 'string', default: resolve(root, 'models/yolox-nano/yolox_nano_batch.onnx') },
    batch: { type: 'string', default: 'dynamic' },
    size: { type: 'string', default: 'fixed' },
  },
});
if (args.batch !== 'dynamic' && !/^[1-9]\d*$/.test(args.batch)) throw new Error(`--batch: "dynamic" or a positive integer, not "${args.batch}"`);
if (args.size !== 'fixed' && args.size !== 'dynamic') throw new Error(`--size: "fixed" or "dynamic", not "${args.size}"`);
const dynamicSize = args.size === 'dynamic';

// ---- protobuf wire format -------------------------------------------------------------------------

/** A message as its fields in order: varints as BigInt, length-delimited and fixed fields as bytes. */
function parse(buf) {
  const fields = [];
  let p = 0;
  const varint = () => {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const b = buf[p++];
      if (b === undefined) throw new Error('truncated protobuf');
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
  };
  while (p < buf.length) {
    const key = Number(varint());
    const no = key >>> 3;
    const wt = key & 7;
    if (wt === 0) fields.push({ no, wt, value: varint() });
    else if (wt === 2) {
      const n = Number(varint());
      fields.push({ no, wt, value: buf.subarray(p, p + n) });
      p += n;
    } else if (wt === 1 || wt === 5) {
      const n = wt === 1 ? 8 : 4;
      fields.push({ no, wt, value: buf.subarray(p, p + n) });
      p += n;
    } else throw new Error(`unsupported protobuf wire type ${wt}`);
  }
  return fields;
}

function encodeVarint(v) {
  let x = BigInt.asUintN(64, BigInt(v));
  const out = [];
  do {
    const b = Number(x & 0x7fn);
    x >>= 7n;
    out.push(x ? b | 0x80 : b);
  } while (x);
  return Buffer.from(out);
}

function encode(fields) {
  const parts = [];
  for (const f of fields) {
    parts.push(encodeVarint((f.no << 3) | f.wt));
    if (f.wt === 0) parts.push(encodeVarint(f.value));
    else if (f.wt === 2) parts.push(encodeVarint(f.value.length), f.value);
    else parts.push(f.value);
  }
  return Buffer.concat(parts);
}

const text = (b) => Buffer.from(b).toString('utf8');
const strings = (fields, no) => fields.filter((f) => f.no === no).map((f) => text(f.value));
const first = (fields, no) => fields.find((f) => f.no === no);

// ---- onnx.proto field numbers ---------------------------------------------------------------------
const MODEL = { graph: 7 };
const GRAPH = { node: 1, initializer: 5, input: 11, output: 12, valueInfo: 13 };
const NODE = { input: 1, opType: 4, attribute: 5 };
const ATTR = { name: 1, i: 3, ints: 8 };
const TENSOR = { dims: 1, dataType: 2, int64Data: 7, name: 8, rawData: 9, floatData: 4 };
const VALUE_INFO = { type: 2 };
const TYPE = { tensor: 1 };
const TENSOR_TYPE = { shape: 2 };
const SHAPE = { dim: 1 };
const DIM = { value: 1, param: 2 };
const INT64 = 7;
const FLOAT = 1;

/** The values of an INT64 or FLOAT initializer (raw little-endian or typed fields). */
function tensorValues(t) {
  const type = Number(first(t, TENSOR.dataType)?.value ?? 0);
  const raw = first(t, TENSOR.rawData)?.value;
  if (type === INT64) {
    if (raw) return Array.from({ length: raw.length / 8 }, (_, i) => Buffer.from(raw).readBigInt64LE(i * 8));
    return t.filter((f) => f.no === TENSOR.int64Data).flatMap((f) => (f.wt === 0 ? [BigInt.asIntN(64, f.value)] : packedVarints(f.value)));
  }
  if (type === FLOAT) {
    if (raw) return Array.from({ length: raw.length / 4 }, (_, i) => Buffer.from(raw).readFloatLE(i * 4));
    return t.filter((f) => f.no === TENSOR.floatData).flatMap((f) => (f.wt === 5 ? [Buffer.from(f.value).readFloatLE(0)] : Array.from({ length: f.value.length / 4 }, (_, i) => Buffer.from(f.value).readFloatLE(i * 4))));
  }
  throw new Error(`initializer of data type ${type}: not read by this script`);
}

/** A packed repeated int64 field's values. */
function packedVarints(bytes) {
  const out = [];
  for (let p = 0, v = 0n, shift = 0n; p < bytes.length; p++) {
    v |= BigInt(bytes[p] & 0x7f) << shift;
    shift += 7n;
    if (bytes[p] < 0x80) {
      out.push(BigInt.asIntN(64, v));
      v = 0n;
      shift = 0n;
    }
  }
  return out;
}

/** An int attribute (Concat's axis) or an ints attribute (Transpose's perm). */
function attribute(node, name) {
  for (const f of node.filter((x) => x.no === NODE.attribute)) {
    const a = parse(f.value);
    if (text(first(a, ATTR.name).value) !== name) continue;
    const i = first(a, ATTR.i);
    if (i) return [BigInt.asIntN(64, i.value)];
    return a.filter((x) => x.no === ATTR.ints).map((x) => BigInt.asIntN(64, x.value));
  }
  return undefined;
}

// ---- the conversion -------------------------------------------------------------------------------

/** Operators that treat every image of a batch alike whatever their attributes. */
const PER_IMAGE = new Set(['Conv', 'Sigmoid', 'Mul', 'Add', 'Sub', 'Div', 'Relu', 'LeakyRelu', 'HardSigmoid', 'HardSwish', 'Clip', 'MaxPool', 'AveragePool', 'BatchNormalization', 'Identity']);

const input = readFileSync(args.in);
const model = parse(input);
const graphField = first(model, MODEL.graph);
const graph = parse(graphField.value);
const initializers = new Map();
for (const f of graph.filter((x) => x.no === GRAPH.initializer)) {
  const t = parse(f.value);
  initializers.set(text(first(t, TENSOR.name).value), { field: f, tensor: t });
}
const constant = (name) => {
  const init = initializers.get(name);
  if (!init) throw new Error(`"${name}" is not an initializer: this script needs constant shapes, axes and scales`);
  return tensorValues(init.tensor);
};

const reshapeShapes = new Set();
for (const f of graph.filter((x) => x.no === GRAPH.node)) {
  const node = parse(f.value);
  const op = text(first(node, NODE.opType).value);
  const inputs = strings(node, NODE.input);
  if (PER_IMAGE.has(op)) continue;
  switch (op) {
    case 'Concat':
      if (attribute(node, 'axis')[0] === 0n) throw new Error('a Concat along the batch axis');
      break;
    case 'Slice': { // inputs: data, starts, ends, axes, steps
      const axes = inputs[3] ? constant(inputs[3]) : undefined;
      if (!axes || axes.some((a) => a === 0n)) throw new Error('a Slice that may cut the batch axis');
      if (dynamicSize && constant(inputs[2]).some((end, i) => axes[i] >= 2n && end < 2n ** 30n)) throw new Error('a Slice with a fixed end on a spatial axis');
      break;
    }
    case 'Transpose':
      if (attribute(node, 'perm')?.[0] !== 0n) throw new Error('a Transpose that moves the batch axis');
      break;
    case 'Resize': // inputs: X, roi, scales[, sizes]
      if (inputs[3] || constant(inputs[2])[0] !== 1) throw new Error('a Resize that is not 1 along the batch axis');
      break;
    case 'Reshape': {
      const shape = constant(inputs[1]);
      if (shape[0] !== 1n) throw new Error(`a Reshape to [${shape.join(', ')}]: its first dimension is not the batch of 1`);
      if (dynamicSize && shape.at(-1) !== -1n) throw new Error(`a Reshape to [${shape.join(', ')}]: its size does not follow the input's height and width`);
      reshapeShapes.add(inputs[1]);
      break;
    }
    default:
      throw new Error(`operator ${op}: not known to be batch-independent, refusing to convert`);
  }
}

/** A Reshape target [1, …] becomes [0, …]: "copy this dimension from the input". */
function copyBatchInReshape(t) {
  const raw = first(t, TENSOR.rawData);
  if (!raw || Number(first(t, TENSOR.dataType).value) !== INT64) throw new Error('a Reshape shape not stored as raw int64');
  const bytes = Buffer.from(raw.value);
  bytes.writeBigInt64LE(0n, 0);
  return t.map((f) => (f === raw ? { ...f, value: bytes } : f));
}

/** A declared tensor's first dimension, 1, becomes the batch. */
function batchShape(valueInfo, name) {
  const edit = (fields, no, fn) => {
    const f = first(fields, no);
    if (!f) throw new Error(`${name}: no ${['', 'tensor type', 'shape', 'dims'][no] ?? 'field'} declared`);
    return fields.map((x) => (x === f ? { ...x, value: encode(fn(parse(x.value))) } : x));
  };
  return edit(valueInfo, VALUE_INFO.type, (type) =>
    edit(type, TYPE.tensor, (tensor) =>
      edit(tensor, TENSOR_TYPE.shape, (shape) => {
        const dims = shape.filter((x) => x.no === SHAPE.dim);
        const d0 = parse(dims[0].value);
        if (first(d0, DIM.value)?.value !== 1n) throw new Error(`${name}: the first dimension is not a fixed 1`);
        const batch = args.batch === 'dynamic' ? [{ no: DIM.param, wt: 2, value: Buffer.from('batch') }] : [{ no: DIM.value, wt: 0, value: BigInt(args.batch) }];
        const param = (p) => ({ ...dims[0], value: encode([{ no: DIM.param, wt: 2, value: Buffer.from(p) }]) });
        // Symbolic spatial sizes: an image input's height and width; an output's flattened cells (every
        // dimension between the batch and the last, the values per cell).
        const spatial = !dynamicSize ? new Map() : dims.length === 4 ? new Map([[dims[2], param('height')], [dims[3], param('width')]]) : new Map(dims.slice(1, -1).map((d) => [d, param('cells')]));
        return shape.map((x) => (x === dims[0] ? { ...x, value: encode(batch) } : spatial.get(x) ?? x));
      }),
    ),
  );
}

let shapes = 0;
const newGraph = graph.filter((f) => !(dynamicSize && f.no === GRAPH.valueInfo)).map((f) => {
  if (f.no === GRAPH.initializer) {
    const t = parse(f.value);
    return reshapeShapes.has(text(first(t, TENSOR.name).value)) ? { ...f, value: encode(copyBatchInReshape(t)) } : f;
  }
  if (f.no === GRAPH.input || f.no === GRAPH.output || f.no === GRAPH.valueInfo) {
    const v = parse(f.value);
    const name = text(first(v, 1).value);
    if (f.no === GRAPH.input && initializers.has(name)) return f; // an initializer listed as an input (old exporters)
    shapes++;
    return { ...f, value: encode(batchShape(v, name)) };
  }
  return f;
});
const output = encode(model.map((f) => (f === graphField ? { ...f, value: encode(newGraph) } : f)));
writeFileSync(args.out, output);
const sha = (b) => createHash('sha256').update(b).digest('hex');
console.log(JSON.stringify({ in: args.in, in_sha256: sha(input), out: args.out, sha256: sha(output), batch: args.batch, size: args.size, shapes, reshapes: reshapeShapes.size }));
