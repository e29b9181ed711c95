/**
 * What went wrong with a video source, as a stable code and its figures (util/diagnostic.ts), read
 * from the text the camera or session already reports: ffmpeg's and ffprobe's own error lines (the
 * patterns below are the lines ffmpeg 5.x really prints; source-diagnostic.test.ts runs ffmpeg against
 * a closed port, an unknown host, a local HTTP server answering 401/403/404/500, a missing file, a
 * file that is not video, an audio-only file and a stream of an unknown codec) and this appliance's
 * own messages, whose wording is made here (`stallMessage`, `exitMessage` …) so that the text and
 * its matcher cannot drift apart.
 */
import { diagnostic, type Diagnostic, type DiagnosticParams } from '../util/diagnostic.js';
import { redactText } from '../util/redact.js';

export type SourceCode =
  | 'connection_refused'
  | 'host_unreachable'
  | 'timeout'
  | 'no_frames'
  | 'auth_failed'
  | 'not_found'
  | 'server_error'
  | 'file_not_found'
  | 'permission_denied'
  | 'invalid_data'
  | 'no_video_stream'
  | 'unsupported_codec'
  | 'decode_error'
  | 'stream_ended'
  | 'resolution_changed'
  | 'decoder_exited'
  | 'decoder_killed'
  | 'ffmpeg_missing'
  | 'cancelled'
  | 'other';

/** The sentence of each of our own messages, and the classifier's patterns for them. */
export const stallMessage = (seconds: number): string => `no frame for ${seconds} s`;
export const exitMessage = (code: number | null): string => `ffmpeg exited with code ${code}`;
export const killedMessage = (signal: string): string => `ffmpeg killed by ${signal}`;
export const streamEndedMessage = (url: string): string => `stream ended: the connection was closed by ${url}`;
export const ffmpegMissingMessage = 'ffmpeg not found on PATH (install ffmpeg)';
export function resolutionMessage(from: [number, number], to: [number, number], replanned: [number, number] | null): string {
  return `resolution changed from ${from[0]}x${from[1]} to ${to[0]}x${to[1]}; ${replanned ? `model input re-planned to ${replanned[0]}x${replanned[1]}` : 'boxes are mapped to the new size'}`;
}

type Rule = [RegExp, (m: RegExpExecArray) => Diagnostic];
const fixed = (code: SourceCode) => (): Diagnostic => diagnostic(code);

/** Most specific first: a line is classified by the first pattern that matches it. */
const RULES: Rule[] = [
  // ours
  [/\bno frame for (\d+) s\b/, (m) => diagnostic('no_frames', { seconds: Number(m[1]) })],
  [/\bresolution changed from (\d+x\d+) to (\d+x\d+); (?:model input re-planned to (\d+x\d+)|boxes are mapped)/, (m) => diagnostic('resolution_changed', { from: m[1]!, to: m[2]!, ...(m[3] ? { input: m[3] } : {}) })],
  [/\bffmpeg exited with code (-?\d+)/, (m) => diagnostic('decoder_exited', { code: Number(m[1]) })],
  [/\bffmpeg killed by (SIG[A-Z0-9]+)/, (m) => diagnostic('decoder_killed', { signal: m[1]! })],
  [/\bstream ended:/, fixed('stream_ended')],
  [/\b(?:ffmpeg|ffprobe) not found on PATH/, fixed('ffmpeg_missing')],
  [/\bno answer within (\d+) ms\b/, (m) => diagnostic('timeout', { seconds: Math.round(Number(m[1]) / 1000) })],
  [/^analysis of .* cancelled$/, fixed('cancelled')],
  // ffmpeg's: "Failed to resolve hostname cam.example: Name or service not known"
  [/Failed to resolve hostname (\S+?):/, (m) => diagnostic('host_unreachable', { host: m[1]! })],
  [/Name or service not known|Temporary failure in name resolution|No route to host|Network is unreachable|Host is unreachable/, fixed('host_unreachable')],
  [/Connection refused/, fixed('connection_refused')],
  [/Connection timed out|Operation timed out/, fixed('timeout')],
  // "Server returned 401 Unauthorized (authorization failed)", "method DESCRIBE failed: 401 Unauthorized", "… 403 Forbidden (access denied)"
  [/\b(401) Unauthorized|\b(403) Forbidden/, (m) => diagnostic('auth_failed', { status: Number(m[1] ?? m[2]) })],
  // "Server returned 404 Not Found", RTSP: "method DESCRIBE failed: 404 Not Found"
  [/\b404 Not Found/, fixed('not_found')],
  [/Server returned 5XX|\b5\d\d (?:Internal Server Error|Service Unavailable|Bad Gateway)/, fixed('server_error')],
  // "Decoder (codec none) not found for input stream #0:0", "Unknown decoder 'h264_nvv4l2dec'"
  // ffmpeg says "none" for a codec it cannot even name: then there is no name to show.
  [/Decoder \(codec (\S+)\) not found/, (m) => diagnostic('unsupported_codec', m[1] === 'none' ? {} : { codec: m[1]! })],
  [/Unknown decoder '([^']+)'/, (m) => diagnostic('unsupported_codec', { codec: m[1]! })],
  // "Stream map '0:v:0' matches no streams." (audio-only input), ours: "… has no video stream"
  [/Stream map '[^']*v[^']*' matches no streams|has no video stream|no video stream with a size/, fixed('no_video_stream')],
  [/No such file or directory|\bno such file: |video file not found: /, fixed('file_not_found')],
  [/Permission denied/, fixed('permission_denied')],
  // "Invalid data found when processing input" (not a video file, or a server that answers with no stream), "moov atom not found"
  [/Invalid data found when processing input|moov atom not found/, fixed('invalid_data')],
  [/Error while decoding stream|Invalid NAL unit|error while decoding MB/, fixed('decode_error')],
  [/End of file$/, fixed('stream_ended')],
];

/** The code of one line of text (an error line, or a message made of one); `other` when none fits. */
export function sourceDiagnostic(text: string): Diagnostic {
  for (const [re, make] of RULES) {
    const m = re.exec(text);
    if (m) return make(m);
  }
  return diagnostic('other');
}

/**
 * Of the error lines ffmpeg printed before giving up, the one that says most: the last line with a
 * known code, else the last line. ffmpeg often ends with a generic line ("…: Input/output error")
 * after the telling one ("Failed to resolve hostname …").
 */
export function tellingLine(lines: readonly string[]): string {
  for (let i = lines.length - 1; i >= 0; i--) if (sourceDiagnostic(lines[i]!).code !== 'other') return lines[i]!;
  return lines[lines.length - 1] ?? '';
}

/** A session's failure: its stored error text, or `cancelled` for a cancelled session (which has none). */
export function sessionDiagnostic(status: string, error: string | null): Diagnostic | null {
  if (status === 'cancelled') return diagnostic('cancelled');
  if (status !== 'failed') return null;
  return sourceDiagnostic(error ?? '');
}

/** The last few error lines of one ffmpeg run, and the telling one among them (`tellingLine`). */
export class ErrorLines {
  private readonly lines: string[] = [];
  add(text: string): void {
    if (this.lines.push(text) > 8) this.lines.shift();
  }
  get telling(): string {
    return tellingLine(this.lines);
  }
}

/** An error as shown to a viewer: redacted of the sources' secrets, with its code and figures (all null for none). */
export function shownError(raw: string | null, urls: ReadonlyArray<string | undefined | null>): { text: string | null; code: string | null; params: DiagnosticParams | null } {
  if (raw === null) return { text: null, code: null, params: null };
  const text = redactText(raw, urls);
  const d = sourceDiagnostic(text);
  return { text, code: d.code, params: d.params };
}
