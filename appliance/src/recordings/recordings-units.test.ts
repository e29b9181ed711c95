import { describe, expect, it } from 'vitest';
import { buildClipArgs, buildRecordArgs, parseSegmentLine } from '../sources/record-args.js';
import { gapsOf, vodPlaylist } from './playlist.js';
import { validateConfig } from '../config/loader.js';
import { cameraSourceIssues, SourcePolicy } from '../sources/source-policy.js';

const seg = (id: number, start: number, end: number, run = 1) => ({ id, camera_id: 'c', start_ms: start, end_ms: end, bytes: 10, path: `c/${run}-${id}.ts`, run });

describe('recorder arguments', () => {
  it('copies the stream into 4 s MPEG-TS segments without resetting timestamps, listing each finished one on stdout', () => {
    const a = buildRecordArgs({ url: 'rtsp://127.0.0.1:8554/cam', loop: false, realtime: true, rtspTransport: 'tcp' }, '/r/cam/1-%06d.ts');
    const at = (k: string) => a[a.indexOf(k) + 1];
    expect(at('-c')).toBe('copy');
    expect(at('-f')).toBe('segment');
    expect(at('-segment_time')).toBe('4');
    expect(at('-segment_format')).toBe('mpegts');
    expect(at('-reset_timestamps')).toBe('0');
    expect(at('-segment_list')).toBe('pipe:1');
    expect(at('-rtsp_transport')).toBe('tcp');
    expect(a).not.toContain('-vf');
    expect(a[a.length - 1]).toBe('/r/cam/1-%06d.ts');
  });

  it('remuxes a clip from segments by stream copy, index first', () => {
    const a = buildClipArgs(['/r/a.ts', '/r/b.ts'], 1.5, 10, '/out.mp4');
    expect(a).toContain('concat:/r/a.ts|/r/b.ts');
    expect(a.join(' ')).toContain('-c copy -movflags +faststart');
    expect(a).not.toContain('libx264');
  });

  it('reads finished-segment lines and ignores progress lines', () => {
    expect(parseSegmentLine('1700000000000-000003.ts,12.000000,16.040000')).toEqual({ file: '1700000000000-000003.ts', start: 12, end: 16.04 });
    expect(parseSegmentLine('frame=250')).toBeUndefined();
    expect(parseSegmentLine('progress=continue')).toBeUndefined();
    expect(parseSegmentLine('../x.ts,1,2,3')).toBeUndefined();
    expect(parseSegmentLine('a.ts,5,4')).toBeUndefined();
  });
});

describe('gaps and the VOD playlist', () => {
  it('finds the spans no segment covers', () => {
    expect(gapsOf([seg(1, 1000, 5000), seg(2, 5000, 9000), seg(3, 20_000, 24_000)], 0, 30_000)).toEqual([
      { from: 0, to: 1000 },
      { from: 9000, to: 20_000 },
      { from: 24_000, to: 30_000 },
    ]);
    expect(gapsOf([], 0, 10)).toEqual([]);
    expect(gapsOf([], 0, 10_000)).toEqual([{ from: 0, to: 10_000 }]);
  });

  it('is a VOD playlist with a discontinuity at each gap and each new recorder run', () => {
    const text = vodPlaylist([seg(1, 0, 4000), seg(2, 4000, 8040), seg(3, 20_000, 24_000), seg(4, 24_000, 28_000, 2)], (id) => `/api/v1/recordings/segments/${id}`);
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('#EXTM3U');
    expect(lines).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
    expect(lines).toContain('#EXT-X-TARGETDURATION:5');
    expect(lines[lines.length - 1]).toBe('#EXT-X-ENDLIST');
    expect(lines.filter((l) => l.startsWith('/api/v1/recordings/segments/'))).toEqual([1, 2, 3, 4].map((i) => `/api/v1/recordings/segments/${i}`));
    expect(lines.filter((l) => l === '#EXT-X-DISCONTINUITY')).toHaveLength(2);
    // The first discontinuity comes right before segment 3 (after the gap), the second before segment 4 (new run).
    const before = (uri: string) => lines[lines.indexOf(uri) - 3];
    expect(before('/api/v1/recordings/segments/3')).toBe('#EXT-X-DISCONTINUITY');
    expect(before('/api/v1/recordings/segments/4')).toBe('#EXT-X-DISCONTINUITY');
    expect(lines).toContain('#EXTINF:4.040,');
  });
});

describe('record config', () => {
  it('defaults to off with 5 s of pre and post roll, 7 days, half the disk', () => {
    const cam = validateConfig({ cameras: [{ id: 'a', source: 'rtsp://cam/x' }] }).cameras[0]!;
    expect(cam.record).toEqual({ mode: 'off', pre_seconds: 5, post_seconds: 5, retain_days: 7, max_share_of_disk: 0.5 });
    expect(cam.record_source).toBeUndefined();
  });

  it('refuses out-of-range values, naming the key', () => {
    const bad = (record: unknown, key: string) => expect(() => validateConfig({ cameras: [{ id: 'a', source: 'rtsp://cam/x', record }] })).toThrow(key);
    bad({ max_share_of_disk: 0.95 }, 'cameras[0].record.max_share_of_disk');
    bad({ max_share_of_disk: 0 }, 'cameras[0].record.max_share_of_disk');
    bad({ mode: 'always' }, 'cameras[0].record.mode');
    bad({ pre_seconds: -1 }, 'cameras[0].record.pre_seconds');
    bad({ retain_days: 0 }, 'cameras[0].record.retain_days');
    bad({ keep: true }, 'cameras[0].record.keep');
  });

  it('checks record_source with the source policy, like source', () => {
    const policy = new SourcePolicy({ mediaDirs: ['/srv/media'] });
    expect(cameraSourceIssues([{ source: 'rtsp://cam/sub', record_source: 'rtsp://cam/main' }], policy)).toEqual([]);
    const issues = cameraSourceIssues([{ source: 'rtsp://cam/sub', record_source: 'concat:/etc/passwd' }], policy);
    expect(issues.map((i) => i.path)).toEqual(['cameras[0].record_source']);
  });
});
