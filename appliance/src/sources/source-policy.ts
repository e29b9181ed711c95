import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, join, normalize, resolve, sep } from 'node:path';
import { uploadsDir } from '../store/uploads.js';
import { redactUrl } from '../util/redact.js';

/**
 * What a camera source (and an analysis session's file) may be: the one policy every caller checks
 * (the camera API, the config file at start-up and reload, analysis sessions, live streams), and the
 * one mapping of an allowed source to what ffmpeg and ffprobe open.
 *
 * Allowed: `rtsp://`, `rtsps://`, `http://`, `https://` URLs with a host, and video files under the
 * media folders (`storage.media_dirs`, plus the uploads folder). Everything else ffmpeg can open
 * (`concat:`, `subfile:`, `data:`, `file:`, `tcp://…?listen=1`, `pipe:`, devices …), strings that
 * start with `-`, control or bidirectional characters, and paths that are not normal (`..`, `.`,
 * `//`) or resolve (through links) outside the media folders are refused.
 *
 * http(s) is allowed to any host: cameras sit at arbitrary LAN addresses and MJPEG/HLS cameras are
 * reached over HTTP. Only an operator can set a source, what comes back must decode as video to be
 * used at all, and errors are redacted before a viewer sees them. What makes an HTTP source harmless
 * is that it cannot turn into another protocol: ffmpeg gets `-protocol_whitelist` for the source's
 * kind, so a playlist or redirect cannot lead it to `file:`, `concat:`, `data:` or a listening socket.
 */

const NETWORK = /^(rtsps?|https?):\/\//i;
const HAS_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
// eslint-disable-next-line no-control-regex
const BAD_CHARS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;
const MAX_LENGTH = 2048;

/** Protocols ffmpeg may use, per kind of source (nested opens included). */
const WHITELIST = {
  rtsp: 'rtsp,rtsps,rtp,srtp,udp,tcp,tls',
  http: 'http,https,tcp,tls,crypto,httpproxy',
  file: 'file',
} as const;

export type SourceKind = keyof typeof WHITELIST;

export interface SourcePolicyOptions {
  /** Folders file sources must be inside (resolved, links followed). */
  mediaDirs: readonly string[];
  /** Base of relative file paths (ffmpeg's working directory: the daemon's). */
  cwd?: string;
  /** Files refused even inside a media folder, with every file whose path extends theirs (the database). */
  protectedFiles?: readonly string[];
}

export class SourcePolicy {
  private readonly cwd: string;
  private readonly dirs: string[];
  private readonly protectedFiles: string[];

  constructor(readonly opts: SourcePolicyOptions) {
    this.cwd = opts.cwd ?? process.cwd();
    this.dirs = opts.mediaDirs.map((d) => realish(resolve(this.cwd, d)));
    this.protectedFiles = (opts.protectedFiles ?? []).map((f) => realish(resolve(this.cwd, f)));
  }

  /** Why `source` is refused, or undefined when it is allowed. */
  problem(source: unknown): string | undefined {
    const p = syntaxProblem(source);
    if (p) return p;
    const s = source as string;
    if (HAS_SCHEME.test(s)) return undefined; // an allowed URL (syntaxProblem checked the scheme)
    const abs = resolve(this.cwd, s);
    const real = realish(abs);
    // The database and its companions (-wal, -shm, backups) are never a source, wherever they are.
    if (this.protectedFiles.some((f) => real.startsWith(f))) return 'the database is not a video';
    if (!this.dirs.some((d) => real === d || real.startsWith(d.endsWith(sep) ? d : d + sep))) {
      return 'a file source must be inside one of the media folders (storage.media_dirs)';
    }
    return undefined;
  }

  /** Throws a SourceRefused naming `field` when `source` is not allowed. */
  assert(source: string, field = 'source'): void {
    const p = this.problem(source);
    if (p) throw new SourceRefused(field, p);
  }
}

export class SourceRefused extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** The checks that need no media folders: length, characters, scheme, URL shape, path shape. */
export function syntaxProblem(source: unknown): string | undefined {
  if (typeof source !== 'string' || source.length === 0) return 'must be a non-empty string';
  if (source.length > MAX_LENGTH) return `at most ${MAX_LENGTH} characters`;
  if (BAD_CHARS.test(source)) return 'must not contain control, zero-width or bidirectional characters';
  if (source.trim() !== source) return 'must not start or end with white space';
  if (source.startsWith('-')) return 'must not start with "-"';
  if (HAS_SCHEME.test(source)) {
    if (!NETWORK.test(source)) return 'only rtsp://, rtsps://, http:// and https:// URLs, or a video file under the media folders';
    // The host as written (the WHATWG parser would read "http:///x" as host "x"; ffmpeg would not).
    if (!/^[a-z]+:\/\/[^/?#\s]/i.test(source)) return 'the URL has no host';
    let url: URL;
    try {
      url = new URL(source);
    } catch {
      return 'not a valid URL';
    }
    if (!url.hostname) return 'the URL has no host';
    for (const key of url.searchParams.keys()) if (/^listen$/i.test(key)) return 'a camera is connected to, never listened for ("listen" is refused)';
    return undefined;
  }
  if (source.split(/[\\/]/).some((seg) => seg === '..' || seg === '.')) return 'must be a normal path (no "." or ".." segments)';
  if (normalize(source) !== source) return 'must be a normal path (no "//" or trailing "/")';
  return undefined;
}

/** The kind of an allowed source. */
export function sourceKind(source: string): SourceKind {
  if (/^rtsps?:\/\//i.test(source)) return 'rtsp';
  if (/^https?:\/\//i.test(source)) return 'http';
  return 'file';
}

/**
 * What ffmpeg/ffprobe get for a source: `options` (`-protocol_whitelist` with the source kind's
 * protocols, first among the input options) and `input`, given only after `-i`: the URL, or
 * `file:<absolute path>` for a file, so a file name can never read as another protocol or an option.
 */
export function ffmpegInput(source: string, cwd = process.cwd()): { options: string[]; input: string } {
  const kind = sourceKind(source);
  return { options: ['-protocol_whitelist', WHITELIST[kind]], input: kind === 'file' ? `file:${resolve(cwd, source)}` : source };
}

/** The real path of `p`: its deepest existing ancestor resolved (links followed), the rest appended. */
function realish(p: string): string {
  let head = p;
  const tail: string[] = [];
  while (!existsSync(head)) {
    const up = dirname(head);
    if (up === head) return p;
    tail.unshift(basename(head));
    head = up;
  }
  try {
    return tail.length ? join(realpathSync(head), ...tail) : realpathSync(head);
  } catch {
    return p;
  }
}

/** A camera's fields that name a stream or file ffmpeg opens: each is checked by the policy. */
export const CAMERA_SOURCE_FIELDS = ['source', 'live_source', 'record_source'] as const;

/** The policy of a configuration: its media folders and the uploads folder beside the database. */
export function policyFor(storage: { path: string; media_dirs: readonly string[] }, cwd = process.cwd()): SourcePolicy {
  return new SourcePolicy({ mediaDirs: [...storage.media_dirs, uploadsDir(storage.path)], cwd, protectedFiles: storage.path === ':memory:' ? [] : [storage.path] });
}

/** Every refused `source`/`live_source`/`record_source` of `cameras`, as `cameras[i].source: why` (start-up and reload). */
export function cameraSourceIssues(
  cameras: ReadonlyArray<{ source: string; live_source?: string | undefined; record_source?: string | undefined }>,
  policy: SourcePolicy,
): Array<{ path: string; message: string }> {
  const issues: Array<{ path: string; message: string }> = [];
  cameras.forEach((cam, i) => {
    for (const field of CAMERA_SOURCE_FIELDS) {
      const value = cam[field];
      if (value === undefined) continue;
      const why = policy.problem(value);
      if (why) issues.push({ path: `cameras[${i}].${field}`, message: `${why} (got ${JSON.stringify(redactUrl(value).slice(0, 200))})` });
    }
  });
  return issues;
}
