/**
 * Hostile inputs of the classes issue 14 closed, sent beside the schema-driven fuzz: path walks (to
 * the database, out of the media folders), protocol strings (what ffmpeg would open besides a
 * camera), huge ranges (time spans, buckets, cells, page sizes), unicode tricks (bidi overrides,
 * zero-width, homoglyphs, overlong UTF-8) and oversized arrays. Each must be refused with a 4xx, and
 * where a field is at fault, the answer names it.
 */
import type { FuzzRequest } from './openapi-fuzz.js';

export type HostileClass = 'path-walk' | 'protocol' | 'huge-range' | 'unicode' | 'oversized-array';

export interface HostileRequest extends FuzzRequest {
  kind: HostileClass;
  /** The field the refusal must name, when one is at fault. */
  field?: string;
}

export interface CorpusContext {
  /** The daemon's database file and its folder (uploads/ is beside it). */
  dbPath: string;
  dataDir: string;
  /** A media folder and a video in it. */
  mediaDir: string;
  clip: string;
  /** An existing camera. */
  camera: string;
  /** Now, unix seconds. */
  now: number;
}

const DAY = 86_400;

/** Strings ffmpeg would open that no camera is. */
export function protocolStrings(c: CorpusContext): string[] {
  return [
    `concat:${c.clip}|${c.dbPath}`,
    `subfile,,start,0,end,0,,:${c.dbPath}`,
    'data:video/mp4;base64,AAAAIGZ0eXBpc29tAAACAGlzb21pc28y',
    `file:${c.clip}`,
    `file://${c.dbPath}`,
    'tcp://0.0.0.0:8554?listen=1',
    'http://0.0.0.0:8080/x?listen=1',
    'udp://239.1.1.1:5000',
    'rtmp://127.0.0.1/live',
    'srt://127.0.0.1:9000?mode=listener',
    'pipe:0',
    'fd:3',
    'gopher://127.0.0.1:6379/_FLUSHALL',
    'crypto+file:///etc/passwd',
    'async:file:/etc/passwd',
    'cache:http://127.0.0.1/x',
    '-f',
    '-i /etc/passwd',
    '-filter_complex movie=/etc/passwd',
    ' rtsp://cam/1',
    'rtsp://',
    'http:///nohost',
    'javascript:alert(1)',
    '\\\\server\\share\\clip.mp4',
  ];
}

/** Paths that walk out of the media folders or at the database. */
export function pathWalks(c: CorpusContext): string[] {
  const uploads = `${c.dataDir}/uploads`;
  return [
    `${uploads}/../vantage.db`,
    `${uploads}/../${c.dbPath.split('/').pop()!}`,
    `${uploads}/./../${c.dbPath.split('/').pop()!}`,
    `${c.mediaDir}/../../../../../../etc/passwd`,
    `${c.mediaDir}/..`,
    `${c.mediaDir}//${c.clip.split('/').pop()!}`,
    `${c.mediaDir}/./x.mp4`,
    c.dbPath,
    `${c.dbPath}-wal`,
    '/etc/shadow',
    '/proc/self/environ',
    '/dev/zero',
    '../../../../etc/passwd',
    'relative/clip.mp4',
  ];
}

const UNICODE = [
  'cam\u202egpj.exe',
  'cam\u200b',
  '\ufeffcam',
  '\u0441\u0430m', // Cyrillic "са" + Latin m
  'ｃａｍ',
  'cam\u0000',
  'e\u0301',
  '\ud800',
  '🎥'.repeat(70),
];

/** The whole corpus, each request tagged with its class (and the field a refusal must name). */
export function hostileRequests(c: CorpusContext): HostileRequest[] {
  const out: HostileRequest[] = [];
  const json = { 'content-type': 'application/json' };
  const add = (kind: HostileClass, method: string, path: string, body?: unknown, field?: string): void => {
    out.push({
      kind,
      operation: `${method} ${path.split('?')[0]}`,
      method,
      path,
      headers: body === undefined ? {} : json,
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      ...(field ? { field } : {}),
    });
  };
  const cam = encodeURIComponent(c.camera);
  const sourceTargets = (kind: HostileClass, value: string): void => {
    add(kind, 'POST', '/api/v1/cameras', { id: `h${out.length}`, source: value }, 'source');
    add(kind, 'POST', '/api/v1/cameras', { id: `h${out.length}`, source: c.clip, live_source: value }, 'live_source');
    add(kind, 'PUT', `/api/v1/cameras/${cam}`, { source: value }, 'source');
    add(kind, 'POST', '/api/v1/sessions', { file: value }, 'file');
  };
  for (const p of protocolStrings(c)) sourceTargets('protocol', p);
  for (const p of pathWalks(c)) sourceTargets('path-walk', p);
  for (const v of ['..%2F..%2Fvantage.db', '..%2Fuploads%2F..%2Fvantage.db', '%2e%2e%2f%2e%2e%2fetc%2fpasswd', '....%2F%2F']) {
    add('path-walk', 'DELETE', `/api/v1/sessions/${v}`);
    add('path-walk', 'GET', `/api/v1/reports/${v}.csv`);
  }
  add('path-walk', 'POST', '/api/v1/sessions/upload?name=..%2F..%2Fvantage.db', 'x', 'name');
  add('path-walk', 'POST', '/api/v1/sessions/upload?name=%2Fetc%2Fpasswd', 'x', 'name');

  // Huge ranges: time spans, far-future and overflowing times, buckets, cells, page sizes.
  const n = c.now;
  add('huge-range', 'POST', '/api/v1/sessions', { camera: c.camera, from: 0, to: 6e10 }, 'from');
  add('huge-range', 'POST', '/api/v1/sessions', { camera: c.camera, from: 0, to: 1e300 }, 'to');
  add('huge-range', 'POST', '/api/v1/sessions', { camera: c.camera, from: -1e15, to: n }, 'from');
  add('huge-range', 'POST', '/api/v1/sessions', { camera: c.camera, from: n - 3650 * DAY, to: n }, 'from');
  add('huge-range', 'POST', '/api/v1/reports', { from: 0, to: 6e10 }, 'from');
  add('huge-range', 'POST', '/api/v1/reports', { from: n - 89 * DAY, to: n, resolution: '1m' }, 'resolution');
  add('huge-range', 'POST', '/api/v1/reports', { from: '0001-01-01T00:00:00Z', to: '9999-12-31T23:59:59Z' }, 'from');
  for (const path of [`/api/v1/cameras/${cam}/detections`, `/api/v1/cameras/${cam}/tracks`, `/api/v1/cameras/${cam}/heatmap`, `/api/v1/cameras/${cam}/heatmap.png`, '/api/v1/events']) {
    add('huge-range', 'GET', `${path}?from=0&to=${n}`, undefined, 'from');
    add('huge-range', 'GET', `${path}?from=0&to=99999999999999999999`, undefined, 'to');
  }
  add('huge-range', 'GET', `/api/v1/cameras/${cam}/heatmap?width=1024&height=1024`, undefined, 'width');
  add('huge-range', 'GET', `/api/v1/cameras/${cam}/heatmap?width=100000`, undefined, 'width');
  add('huge-range', 'GET', '/api/v1/sync/reports?limit=100000', undefined, 'limit');
  add('huge-range', 'GET', '/api/v1/sync/events?limit=1000000', undefined, 'limit');
  add('huge-range', 'GET', '/api/v1/events?limit=1000000', undefined, 'limit');
  add('huge-range', 'GET', '/api/v1/reports?limit=100000', undefined, 'limit');

  // Unicode tricks in ids, names, sources and path parameters.
  for (const u of UNICODE) {
    add('unicode', 'POST', '/api/v1/cameras', { id: u, source: c.clip }, 'id');
    // Invisible and direction-changing characters hide what a path really is: refused in sources.
    if (/[\u0000\u200b\u202e\ufeff]/.test(u)) sourceTargets('unicode', `${c.mediaDir}/${u}.mp4`);
  }
  for (const raw of ['%C0%AE%C0%AE%2F', '%E2%80%AE', '%EF%BB%BFcam', '%F4%90%80%80', '%ED%A0%80', '%D1%81%D0%B0m']) {
    add('unicode', 'GET', `/api/v1/cameras/${raw}`);
    add('unicode', 'POST', `/api/v1/sessions/upload?name=${raw}.mp4`, 'x', 'name');
  }

  // Oversized arrays: more shapes, points, cameras and classes than allowed.
  const square = [[0.1, 0.1], [0.9, 0.1], [0.9, 0.9], [0.1, 0.9]];
  const zones = (k: number) => Array.from({ length: k }, (_, i) => ({ id: `z${i}`, points: square }));
  const lines = (k: number) => Array.from({ length: k }, (_, i) => ({ id: `l${i}`, points: [[0.1, 0.5], [0.9, 0.5]] }));
  add('oversized-array', 'PUT', `/api/v1/cameras/${cam}/zones`, { zones: zones(65) }, 'zones');
  add('oversized-array', 'PUT', `/api/v1/cameras/${cam}/lines`, { lines: lines(1000) }, 'lines');
  add('oversized-array', 'PUT', `/api/v1/cameras/${cam}/zones`, { zones: [{ id: 'z', points: Array.from({ length: 5000 }, (_, i) => [0.5 + 0.4 * Math.cos(i), 0.5 + 0.4 * Math.sin(i)]) }] }, 'zones');
  add('oversized-array', 'POST', '/api/v1/cameras', { id: 'big', source: c.clip, zones: zones(200) }, 'zones');
  add('oversized-array', 'POST', '/api/v1/sessions', { file: c.clip, zones: zones(100) }, 'zones');
  add('oversized-array', 'POST', '/api/v1/sessions', { file: c.clip, lines: lines(100) }, 'lines');
  add('oversized-array', 'POST', '/api/v1/reports', { cameras: Array.from({ length: 10_000 }, () => c.camera), from: n - 60, to: n }, 'cameras');
  add('oversized-array', 'POST', '/api/v1/reports', { cameras: [], from: n - 60, to: n }, 'cameras');
  return out;
}
