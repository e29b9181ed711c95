import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layers of appliance/src, bottom → top, in one line (docs/ARCHITECTURE.md states the same line).
 * A module may import its own layer and the ones below it, never one above, and no import circle.
 */
export const LAYER_LINE =
  'config, math, clock, errors, util, logger, version (+ the alert-rule and role schemas) < store < sources, detect, track, eval < pipeline, analytics, events, metrics, cameras < services (live, live-video, sync, alerts, auth, settings, upstream, system report, camera set) < api < root (appliance, main, cli).';

/** LAYER_LINE as data: an entry names a folder or file directly under src, or a file path (which wins over its folder). */
export const LAYERS: ReadonlyArray<readonly string[]> = [
  ['config', 'math', 'clock.ts', 'errors.ts', 'util', 'logger.ts', 'version.ts', 'alerts/rules.ts', 'auth/roles.ts'],
  ['store'],
  ['sources', 'detect', 'track', 'eval'],
  ['pipeline', 'analytics', 'events.ts', 'metrics.ts', 'camera-runtime.ts', 'camera-manager.ts'],
  ['live', 'live-video', 'sync', 'alerts', 'auth', 'settings.ts', 'upstream.ts', 'system-report.ts', 'camera-set.ts'],
  ['api'],
  ['appliance.ts', 'main.ts', 'cli'],
];

const SRC = dirname(fileURLToPath(import.meta.url));

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

/** The layer index of a file under src (by its first path segment), or -1 when unlisted. */
export function layerOf(file: string, root = SRC): number {
  const rel = relative(root, file).split(/[\\/]/).join('/');
  const exact = LAYERS.findIndex((l) => l.includes(rel));
  if (exact >= 0) return exact;
  const top = rel.split('/')[0]!;
  return LAYERS.findIndex((l) => l.includes(top));
}

/** Relative imports of a file (import/export … from, import()), resolved to .ts paths under src. */
export function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) {
    const spec = (m[1] ?? m[2])!;
    out.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
  }
  return out;
}

/** Every import that goes to a higher layer, as "from → to". */
export function upwardImports(files: readonly string[], root = SRC): string[] {
  const bad: string[] = [];
  for (const f of files) {
    for (const to of importsOf(f)) {
      if (layerOf(to, root) > layerOf(f, root)) bad.push(`${relative(root, f)} → ${relative(root, to)}`);
    }
  }
  return bad;
}

/** Import circles between files, each as a path "a → b → … → a". */
export function cycles(files: readonly string[], root = SRC): string[] {
  const graph = new Map(files.map((f) => [f, importsOf(f).filter((t) => files.includes(t))]));
  const found: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string): void => {
    state.set(f, 'open');
    stack.push(f);
    for (const t of graph.get(f) ?? []) {
      if (state.get(t) === 'open') found.push([...stack.slice(stack.indexOf(t)), t].map((p) => relative(root, p)).join(' → '));
      else if (!state.has(t)) visit(t);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of files) if (!state.has(f)) visit(f);
  return found;
}

describe('layering of appliance/src', () => {
  const files = sourceFiles(SRC);

  it('is stated in docs/ARCHITECTURE.md as here', () => {
    expect(readFileSync(join(SRC, '../../docs/ARCHITECTURE.md'), 'utf8')).toContain(LAYER_LINE);
  });

  it('places every file in a layer', () => {
    expect(files.filter((f) => layerOf(f) < 0).map((f) => relative(SRC, f))).toEqual([]);
  });

  it('has no import to a higher layer', () => {
    expect(upwardImports(files)).toEqual([]);
  });

  it('has no import circle', () => {
    expect(cycles(files)).toEqual([]);
  });

  it('catches an upward import and a circle (the checks can fail)', () => {
    const root = mkdtempSync(join(tmpdir(), 'layering-'));
    try {
      mkdirSync(join(root, 'store'));
      mkdirSync(join(root, 'api'));
      writeFileSync(join(root, 'store/a.ts'), "import type { B } from '../api/b.js';\nexport type A = B;\n");
      writeFileSync(join(root, 'api/b.ts'), "import type { A } from '../store/a.js';\nexport type B = A | number;\n");
      const fake = sourceFiles(root);
      expect(upwardImports(fake, root)).toEqual(['store/a.ts → api/b.ts']);
      expect(cycles(fake, root)).toEqual(['api/b.ts → store/a.ts → api/b.ts']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
