import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, resolve } from 'node:path';
import type * as Yaml from 'yaml';
import type { z } from 'zod';
import { VantageError } from '../errors.js';
import { configSchema, type Config } from './schema.js';
import { DEFAULT_MODEL_MANIFEST } from './paths.js';

/** The YAML parser, loaded when YAML is first read: a command run without a config file (vantage analyze) does not pay its ~60 ms of start-up. */
let yaml: typeof Yaml | undefined;
const loadYaml = (): typeof Yaml => (yaml ??= createRequire(import.meta.url)('yaml') as typeof Yaml);

export interface ConfigIssue {
  path: string;
  message: string;
}

export class ConfigError extends VantageError {
  readonly issues: ConfigIssue[];
  constructor(source: string, issues: ConfigIssue[]) {
    super('ERR_CONFIG_INVALID', `invalid config (${source}):\n${issues.map((i) => `  - ${i.path || '(root)'}: ${i.message}`).join('\n')}`);
    this.issues = issues;
  }
}

export interface LoadOptions {
  /** YAML file; when absent, VANTAGE_CONFIG, else an empty document (all defaults). */
  file?: string;
  /** Environment for VANTAGE_* overrides; pass process.env from main only. */
  env?: Record<string, string | undefined>;
  /** Base for relative paths (default: the working directory). */
  cwd?: string;
}

export interface LoadedConfig {
  config: Readonly<Config>;
  /** Where the YAML came from, or '(defaults)'. */
  source: string;
}

/**
 * Reads YAML, applies VANTAGE_* overrides (VANTAGE_HTTP__PORT=9090 sets http.port; `__` separates
 * levels, numeric segments index arrays, values are parsed as YAML scalars), validates with the one
 * zod schema, resolves relative paths against cwd, checks the model files exist, and freezes.
 */
export function loadConfig(opts: LoadOptions = {}): LoadedConfig {
  const env = opts.env ?? {};
  const cwd = opts.cwd ?? process.cwd();
  const file = opts.file ?? env.VANTAGE_CONFIG;
  let doc: unknown = {};
  let source = '(defaults)';
  if (file) {
    const path = resolve(cwd, file);
    source = path;
    if (!existsSync(path)) throw new VantageError('ERR_CONFIG_NOT_FOUND', `config file not found: ${path}`);
    try {
      doc = loadYaml().parse(readFileSync(path, 'utf8')) ?? {};
    } catch (e) {
      const where = e instanceof loadYaml().YAMLParseError && e.linePos ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '';
      throw new ConfigError(path, [{ path: '', message: `not valid YAML${where}: ${(e as Error).message.split('\n')[0]}` }]);
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
      throw new ConfigError(path, [{ path: '', message: 'the document must be a mapping of keys to values' }]);
    }
  }
  const overridden = applyEnvOverrides(doc as Record<string, unknown>, env);
  return { config: validateConfig(overridden, source, cwd), source };
}

/** Validates an already-parsed document; throws ConfigError listing every problem. */
export function validateConfig(doc: unknown, source = '(inline)', cwd = process.cwd()): Readonly<Config> {
  // reportInput: a value of the wrong type is told apart from a missing one ("required").
  const parsed = configSchema.safeParse(doc, { reportInput: true });
  if (!parsed.success) {
    const issues = formatIssues(parsed.error.issues);
    // The model files are checked too, so one run names every problem.
    const model = (doc as { detector?: { model?: unknown } } | null)?.detector?.model;
    if (typeof model === 'string' && model && !issues.some((i) => i.path === 'detector.model')) issues.push(...checkModelFiles(abs(cwd, model)));
    throw new ConfigError(source, issues);
  }
  const cfg = parsed.data;
  cfg.storage.path = cfg.storage.path === ':memory:' ? cfg.storage.path : abs(cwd, cfg.storage.path);
  cfg.storage.media_dirs = cfg.storage.media_dirs.map((d) => abs(cwd, d));
  cfg.detector.model = cfg.detector.model ? abs(cwd, cfg.detector.model) : DEFAULT_MODEL_MANIFEST;
  const problems = checkModelFiles(cfg.detector.model);
  cfg.cameras.forEach((c, i) => {
    if (!c.model) return;
    c.model = abs(cwd, c.model);
    problems.push(...checkModelFiles(c.model, `cameras.${i}.model`));
  });
  if (problems.length) throw new ConfigError(source, problems);
  return deepFreeze(cfg);
}

function checkModelFiles(manifestPath: string, key = 'detector.model'): ConfigIssue[] {
  if (!existsSync(manifestPath)) return [{ path: key, message: `model manifest not found: ${manifestPath}` }];
  let manifest: { file?: unknown };
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { file?: unknown };
  } catch (e) {
    return [{ path: key, message: `model manifest is not valid JSON: ${manifestPath}: ${(e as Error).message}` }];
  }
  if (typeof manifest.file !== 'string') return [{ path: key, message: `model manifest has no "file": ${manifestPath}` }];
  const onnx = resolve(manifestPath, '..', manifest.file);
  if (!existsSync(onnx)) return [{ path: key, message: `model file not found: ${onnx} (named by ${manifestPath})` }];
  const sha = (manifest as { sha256?: unknown }).sha256;
  if (typeof sha === 'string' && /^[0-9a-f]{64}$/.test(sha)) {
    const actual = sha256Of(onnx);
    if (actual !== sha) {
      return [{ path: key, message: `model file ${onnx} does not match the sha256 in ${manifestPath} (corrupt, truncated or replaced): expected ${sha.slice(0, 12)}…, got ${actual.slice(0, 12)}…` }];
    }
  }
  return [];
}

/** SHA-256 of a model file, remembered per path, size and mtime (configs are validated more than once). */
const hashes = new Map<string, { size: number; mtimeMs: number; sha: string }>();
function sha256Of(file: string): string {
  const st = statSync(file);
  const known = hashes.get(file);
  if (known && known.size === st.size && known.mtimeMs === st.mtimeMs) return known.sha;
  const sha = createHash('sha256').update(readFileSync(file)).digest('hex');
  hashes.set(file, { size: st.size, mtimeMs: st.mtimeMs, sha });
  return sha;
}

function abs(cwd: string, p: string): string {
  return isAbsolute(p) ? p : resolve(cwd, p);
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

function formatIssues(issues: z.core.$ZodIssue[]): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({ path: formatPath([...issue.path, key]), message: 'unknown key' });
      }
      continue;
    }
    if (issue.code === 'invalid_type' && issue.input === undefined) {
      out.push({ path: formatPath(issue.path), message: `required (${issue.expected})` });
      continue;
    }
    out.push({ path: formatPath(issue.path), message: issue.message });
  }
  return out;
}

const ENV_PREFIX = 'VANTAGE_';
const ENV_RESERVED = new Set(['VANTAGE_CONFIG']);

export function applyEnvOverrides(doc: Record<string, unknown>, env: Record<string, string | undefined>): Record<string, unknown> {
  const out = structuredClone(doc);
  const names = Object.keys(env).filter((k) => k.startsWith(ENV_PREFIX) && !ENV_RESERVED.has(k)).sort();
  for (const name of names) {
    const raw = env[name];
    if (raw === undefined) continue;
    const segs = name.slice(ENV_PREFIX.length).toLowerCase().split('__');
    if (segs.some((s) => s === '')) {
      throw new ConfigError('environment', [{ path: name, message: 'malformed override name (use VANTAGE_SECTION__KEY)' }]);
    }
    let node: Record<string, unknown> | unknown[] = out;
    for (let i = 0; i < segs.length - 1; i++) {
      const key = keyOf(segs[i]!);
      const nextIsIndex = /^\d+$/.test(segs[i + 1]!);
      let child = (node as Record<string | number, unknown>)[key];
      if (typeof child !== 'object' || child === null) {
        child = nextIsIndex ? [] : {};
        (node as Record<string | number, unknown>)[key] = child;
      }
      node = child as Record<string, unknown>;
    }
    (node as Record<string | number, unknown>)[keyOf(segs[segs.length - 1]!)] = parseScalar(raw);
  }
  return out;
}

function keyOf(seg: string): string | number {
  return /^\d+$/.test(seg) ? Number(seg) : seg;
}

function parseScalar(raw: string): unknown {
  // Plain numbers and booleans, as YAML reads them, without loading the YAML parser.
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (raw === 'true' || raw === 'false') return raw === 'true';
  try {
    const v: unknown = loadYaml().parse(raw);
    return v === null && raw.trim() !== 'null' && raw.trim() !== '~' ? raw : v;
  } catch {
    return raw;
  }
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}
