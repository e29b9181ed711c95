import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG_FILE, DEFAULT_MODEL_MANIFEST, PACKAGE_ROOT } from './paths.js';
import { ConfigError, loadConfig, validateConfig } from './loader.js';
import { redactSecrets } from '../util/redact.js';

const dir = mkdtempSync(join(tmpdir(), 'vantage-config-'));
function yamlFile(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function issuesOf(fn: () => unknown): Array<{ path: string; message: string }> {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

describe('config loader', () => {
  it('loads the shipped default config with every default filled in', () => {
    const { config } = loadConfig({ file: DEFAULT_CONFIG_FILE, cwd: PACKAGE_ROOT, env: {} });
    expect(config.http).toEqual({ host: '127.0.0.1', port: 8080, rate_limit_per_minute: 6000, live_max_buffer_bytes: 1048576, secure_cookies: false, trusted_proxies: [], allowed_hosts: [] });
    expect(config.auth).toEqual({ refresh_absolute_days: 30, max_concurrent_hashes: 2 });
    expect(config.storage.path).toBe(join(PACKAGE_ROOT, 'data/vantage.db'));
    expect(config.detector.model).toBe(DEFAULT_MODEL_MANIFEST);
    expect(config.detector.score_threshold).toBe(0.1);
    expect(config.cameras).toHaveLength(1);
    expect(config.cameras[0]).toMatchObject({ id: 'sample', loop: true, realtime: true, enabled: true, rtsp_transport: 'tcp' });
    expect(Object.isFrozen(config.cameras[0])).toBe(true);
  });

  it('accepts config/example.yaml, which documents every key', () => {
    const { config } = loadConfig({ file: join(PACKAGE_ROOT, 'config/example.yaml'), cwd: PACKAGE_ROOT, env: {} });
    expect(config.cameras[0]).toMatchObject({ id: 'entrance', hwaccel: 'none', detect_every: 1 });
    expect(config.tracker.appearance_gate).toBe(0.15);
  });

  it('names an unknown key by its full path', () => {
    const file = yamlFile('unknown.yaml', 'http:\n  prot: 9000\ncameras:\n  - id: a\n    source: x.mp4\n    colour: red\n');
    const issues = issuesOf(() => loadConfig({ file, env: {} }));
    expect(issues).toEqual([
      { path: 'http.prot', message: 'unknown key' },
      { path: 'cameras[0].colour', message: 'unknown key' },
    ]);
  });

  it('names a value of the wrong type and its key, and the message lists it', () => {
    const file = yamlFile('type.yaml', 'http:\n  port: "eighty"\ndetector:\n  provider: gpu\n');
    try {
      loadConfig({ file, env: {} });
      throw new Error('no error');
    } catch (e) {
      const err = e as ConfigError;
      expect(err.code).toBe('ERR_CONFIG_INVALID');
      expect(err.issues.map((i) => i.path)).toEqual(['http.port', 'detector.provider']);
      expect(err.message).toMatch(/http\.port: .*number/);
      expect(err.message).toMatch(/detector\.provider: .*"cpu"/);
    }
  });

  it('detector.max_batch: 4 by default, a whole number from 1 to 64, refused otherwise naming the key', () => {
    expect(validateConfig({}).detector.max_batch).toBe(4);
    expect(validateConfig({ detector: { max_batch: 1 } }).detector.max_batch).toBe(1);
    for (const [value, message] of [
      [0, 'at least 1 (1 = no batching)'],
      [65, 'at most 64 frames per session run'],
      [2.5, 'a whole number of frames from 1 (no batching) to 64'],
      ['four', 'a whole number of frames from 1 (no batching) to 64'],
    ] as const) {
      expect(issuesOf(() => validateConfig({ detector: { max_batch: value } }))).toEqual([{ path: 'detector.max_batch', message }]);
    }
  });

  it('http.trusted_proxies takes addresses and CIDR blocks, http.allowed_hosts host names; anything else is refused naming the entry', () => {
    const ok = validateConfig({ http: { trusted_proxies: ['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8'], allowed_hosts: ['Vantage.Site.LAN', '*'] } });
    expect(ok.http.trusted_proxies).toEqual(['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8']);
    expect(ok.http.allowed_hosts).toEqual(['vantage.site.lan', '*']);
    const issues = issuesOf(() => validateConfig({ http: { trusted_proxies: ['proxy.lan', '10.0.0.0/33', '10.0.0.1/8/1'], allowed_hosts: ['evil.example:8080', 'http://x'] } }));
    expect(issues.map((i) => i.path)).toEqual(['http.trusted_proxies[0]', 'http.trusted_proxies[1]', 'http.trusted_proxies[2]', 'http.allowed_hosts[0]', 'http.allowed_hosts[1]']);
    expect(issues[1]!.message).toBe('prefix length must be 0-32');
  });

  it('reports a missing required key and a duplicate camera id', () => {
    expect(issuesOf(() => validateConfig({ cameras: [{ id: 'a' }] }))).toEqual([{ path: 'cameras[0].source', message: 'required (string)' }]);
    const dup = issuesOf(() => validateConfig({ cameras: [{ id: 'a', source: '1.mp4' }, { id: 'a', source: '2.mp4' }] }));
    expect(dup).toEqual([{ path: 'cameras[1].id', message: 'duplicate camera id "a" (also cameras[0])' }]);
  });

  it('refuses a missing model file, naming detector.model and the path', () => {
    const manifest = join(dir, 'manifest.json');
    writeFileSync(manifest, JSON.stringify({ file: 'nope.onnx' }));
    const issues = issuesOf(() => validateConfig({ detector: { model: manifest } }));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe('detector.model');
    expect(issues[0]!.message).toContain(`model file not found: ${join(dir, 'nope.onnx')}`);
    const gone = issuesOf(() => validateConfig({ detector: { model: join(dir, 'missing.json') } }));
    expect(gone[0]).toEqual({ path: 'detector.model', message: `model manifest not found: ${join(dir, 'missing.json')}` });
  });

  it('reports YAML syntax errors with the line', () => {
    const file = yamlFile('broken.yaml', 'http:\n  port: 80\n   host: x\n');
    const issues = issuesOf(() => loadConfig({ file, env: {} }));
    expect(issues[0]!.message).toMatch(/not valid YAML at line \d+/);
  });

  it('fails clearly on a missing config file', () => {
    expect(() => loadConfig({ file: join(dir, 'none.yaml'), env: {} })).toThrow(/config file not found: .*none\.yaml/);
  });

  it('applies VANTAGE_* overrides with types, into lists, and validates them like the file', () => {
    const file = yamlFile('env.yaml', 'cameras:\n  - id: a\n    source: a.mp4\n');
    const { config } = loadConfig({
      file,
      env: { VANTAGE_HTTP__PORT: '9090', VANTAGE_CAMERAS__0__LOOP: 'true', VANTAGE_DETECTOR__CLASSES: '[person, car]', VANTAGE_LOG__LEVEL: 'debug', OTHER: 'x' },
    });
    expect(config.http.port).toBe(9090);
    expect(config.cameras[0]!.loop).toBe(true);
    expect(config.detector.classes).toEqual(['person', 'car']);
    expect(config.log.level).toBe('debug');
    expect(issuesOf(() => loadConfig({ file, env: { VANTAGE_HTTP__PROT: '1' } }))).toEqual([{ path: 'http.prot', message: 'unknown key' }]);
    expect(issuesOf(() => loadConfig({ file, env: { VANTAGE_HTTP__PORT: '70000' } }))[0]!.path).toBe('http.port');
    // Numbers and booleans read without the YAML parser give what YAML gives.
    const d = loadConfig({ env: { VANTAGE_DETECTOR__COUNT_THRESHOLD: '0.25', VANTAGE_DETECTOR__WORKERS: '0', VANTAGE_DETECTOR__MAX_BATCH: '1e0', VANTAGE_CAMERAS__0__ID: 'a', VANTAGE_CAMERAS__0__SOURCE: 'a.mp4', VANTAGE_CAMERAS__0__LOOP: 'false' } }).config;
    expect([d.detector.count_threshold, d.detector.workers, d.detector.max_batch, d.cameras[0]!.loop]).toEqual([0.25, 0, 1, false]);
    expect(issuesOf(() => loadConfig({ env: { VANTAGE_CAMERAS__0__ID: 'a', VANTAGE_CAMERAS__0__SOURCE: '0123' } }))[0]!.path).toBe('cameras[0].source');
  });

  it('redacts secrets and URL credentials for printing', () => {
    const cfg = validateConfig({ cameras: [{ id: 'a', source: 'rtsp://admin:hunter2@10.0.0.5:554/s1' }] });
    const shown = JSON.stringify(redactSecrets(cfg));
    expect(shown).not.toContain('hunter2');
    expect(shown).toContain('rtsp://***:***@10.0.0.5:554/s1');
    expect(redactSecrets({ mqtt: { password: 'p', url: 'mqtt://u@h' } })).toEqual({ mqtt: { password: '[redacted]', url: 'mqtt://***@h' } });
  });
});

describe('model input and per-camera models', () => {
  it('detector.input is auto or WIDTHxHEIGHT; input_pixels is bounded', () => {
    expect(validateConfig({}).detector.input).toBe('auto');
    expect(validateConfig({ detector: { input: '416x320' } }).detector.input).toBe('416x320');
    expect(issuesOf(() => validateConfig({ detector: { input: 'wide' } })).map((i) => i.path)).toEqual(['detector.input']);
    expect(issuesOf(() => validateConfig({ detector: { input_pixels: 100 } })).map((i) => i.path)).toEqual(['detector.input_pixels']);
  });

  it('cameras[].model is resolved against the working directory and checked like detector.model', () => {
    const cfg = validateConfig({ cameras: [{ id: 'a', source: 'x.mp4', model: 'models/picodet-s/manifest.json' }, { id: 'b', source: 'y.mp4' }] }, 'inline', PACKAGE_ROOT);
    expect(cfg.cameras[0]!.model).toBe(join(PACKAGE_ROOT, 'models/picodet-s/manifest.json'));
    expect(cfg.cameras[1]!.model).toBeUndefined();
    expect(cfg.cameras[1]!.idle_fps).toBe(2);
    const issues = issuesOf(() => validateConfig({ cameras: [{ id: 'a', source: 'x.mp4', model: 'models/nope/manifest.json' }] }, 'inline', PACKAGE_ROOT));
    expect(issues).toEqual([{ path: 'cameras.0.model', message: `model manifest not found: ${join(PACKAGE_ROOT, 'models/nope/manifest.json')}` }]);
  });
});
