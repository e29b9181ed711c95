import type { SegmentRow } from '../store/recording-index.js';

/** A hole between segments shorter than this is no gap (timestamps of a run meet to the ms; 0.5 s of slack). */
export const GAP_MS = 500;

/** The spans of [from, to) that no segment covers. */
export function gapsOf(segments: readonly Pick<SegmentRow, 'start_ms' | 'end_ms'>[], from: number, to: number): Array<{ from: number; to: number }> {
  const gaps: Array<{ from: number; to: number }> = [];
  let at = from;
  for (const s of segments) {
    if (s.start_ms - at > GAP_MS) gaps.push({ from: at, to: Math.min(s.start_ms, to) });
    at = Math.max(at, s.end_ms);
    if (at >= to) break;
  }
  if (to - at > GAP_MS) gaps.push({ from: at, to });
  return gaps;
}

/**
 * An HLS VOD playlist over `segments` (oldest first): each segment's URI is `uri(id)`, and a
 * discontinuity tag marks a gap or a new recorder run (timestamps restart), so players (ffmpeg, VLC,
 * hls.js) reset their timeline there.
 */
export function vodPlaylist(segments: readonly SegmentRow[], uri: (id: number) => string): string {
  const seconds = (s: SegmentRow) => Math.max(0.001, (s.end_ms - s.start_ms) / 1000);
  const target = Math.max(1, ...segments.map((s) => Math.ceil(seconds(s))));
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-PLAYLIST-TYPE:VOD', `#EXT-X-TARGETDURATION:${target}`, '#EXT-X-MEDIA-SEQUENCE:0'];
  let prev: SegmentRow | undefined;
  for (const s of segments) {
    if (prev && (s.run !== prev.run || s.start_ms - prev.end_ms > GAP_MS)) lines.push('#EXT-X-DISCONTINUITY');
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(s.start_ms).toISOString()}`);
    lines.push(`#EXTINF:${seconds(s).toFixed(3)},`);
    lines.push(uri(s.id));
    prev = s;
  }
  lines.push('#EXT-X-ENDLIST', '');
  return lines.join('\n');
}
