/**
 * Which stream URLs an analysis may open: what a camera is (RTSP, RTSPS, HTTP(S) MJPEG/HLS), nothing
 * else ffmpeg would also accept (concat:, file:, data:, tcp://…?listen, pipes, option-like strings).
 *
 * Interim rule for stream sessions until the one source policy of the hardening work
 * (sources/source-policy.ts) lands; then this function should delegate to it, so cameras and
 * sessions keep a single rule.
 */

export const STREAM_SCHEMES = ['rtsp:', 'rtsps:', 'http:', 'https:'] as const;

/** Longest stream URL accepted. */
export const MAX_STREAM_URL_LENGTH = 2048;

/** Why `url` may not be analysed as a stream, or undefined when it may. */
export function streamUrlProblem(url: string): string | undefined {
  if (url.length > MAX_STREAM_URL_LENGTH) return `at most ${MAX_STREAM_URL_LENGTH} characters`;
  // Whitespace and control characters never belong in a URL ffmpeg is handed.
  if (/[\s\u0000-\u001f\u007f]/.test(url)) return 'must not contain spaces or control characters';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `must be a URL (${STREAM_SCHEMES.map((s) => `${s}//`).join(', ')})`;
  }
  if (!(STREAM_SCHEMES as readonly string[]).includes(parsed.protocol)) {
    return `scheme ${parsed.protocol.replace(/:$/, '')} is not allowed (${STREAM_SCHEMES.map((s) => s.replace(/:$/, '')).join(', ')} only)`;
  }
  // The scheme test is case-insensitive in URL; ffmpeg must see the same scheme the check saw.
  if (!url.toLowerCase().startsWith(`${parsed.protocol}//`)) return 'must start with scheme://';
  // WHATWG URL reads `http:///x` as host `x`; ffmpeg would not: the host must follow the `//`.
  if (!parsed.hostname || url.charAt(parsed.protocol.length + 2) === '/') return 'must name a host';
  return undefined;
}
