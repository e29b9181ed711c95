import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cameraSourceIssues, ffmpegInput, SourcePolicy, syntaxProblem } from './source-policy.js';

describe('source policy', () => {
  const root = mkdtempSync(join(tmpdir(), 'vantage-policy-'));
  const media = join(root, 'media');
  const outside = join(root, 'outside');
  mkdirSync(media);
  mkdirSync(outside);
  writeFileSync(join(media, 'clip.mp4'), 'x');
  writeFileSync(join(outside, 'secret.db'), 'x');
  symlinkSync(outside, join(media, 'escape'));
  const policy = new SourcePolicy({ mediaDirs: [media], cwd: root });

  it('allows camera URLs and video files under the media folders', () => {
    for (const ok of [
      'rtsp://cam.local:554/stream1',
      'rtsps://10.0.0.7/live',
      'rtsp://admin:p@ss@192.168.1.20/',
      'http://cam.local/mjpeg',
      'https://cam.local/hls/index.m3u8?token=abc',
      join(media, 'clip.mp4'),
      join(media, 'not-there-yet.mp4'),
      'media/clip.mp4',
    ]) {
      expect(policy.problem(ok), ok).toBeUndefined();
    }
  });

  it('refuses every other protocol, options, odd characters and paths outside the media folders', () => {
    const refused = [
      `concat:${join(media, 'clip.mp4')}|${join(outside, 'secret.db')}`,
      `subfile,,start,0,end,0,,:${join(outside, 'secret.db')}`,
      'data:video/mp4;base64,AAAA',
      `file:${join(media, 'clip.mp4')}`,
      'tcp://0.0.0.0:9000?listen=1',
      'udp://239.0.0.1:1234',
      'rtmp://host/app',
      'pipe:0',
      'http://cam.local/x?listen=1',
      'rtsp://',
      'http:///nohost',
      '-i',
      '-f lavfi -i testsrc',
      ' /srv/clip.mp4',
      `${media}/../outside/secret.db`,
      `${media}/./clip.mp4`,
      `${media}//clip.mp4`,
      join(media, 'escape', 'secret.db'),
      join(outside, 'secret.db'),
      '/etc/passwd',
      'clip.mp4',
      `${join(media, 'clip.mp4')}\u0000.txt`,
      `${join(media, 'clip')}\u202e4pm.exe`,
      'x'.repeat(3000),
      '',
    ];
    for (const bad of refused) expect(policy.problem(bad), bad).toMatch(/./);
    expect(syntaxProblem(42)).toMatch(/string/);
  });

  it('never takes the database (or its -wal, -shm, backups) for a video, even inside a media folder', () => {
    const loose = new SourcePolicy({ mediaDirs: [root], protectedFiles: [join(root, 'vantage.db')] });
    for (const f of ['vantage.db', 'vantage.db-wal', 'vantage.db-shm', 'vantage.db.pre-009.1.bak']) expect(loose.problem(join(root, f)), f).toMatch(/database/);
    expect(loose.problem(join(media, 'clip.mp4'))).toBeUndefined();
  });

  it('names each refused config-file source by its path', () => {
    const issues = cameraSourceIssues(
      [
        { source: 'rtsp://cam/1' },
        { source: 'concat:/a|/b', live_source: 'rtsp://cam/2' },
        { source: 'rtsp://cam/3', live_source: 'tcp://0.0.0.0:1?listen=1' },
      ],
      policy,
    );
    expect(issues.map((i) => i.path)).toEqual(['cameras[1].source', 'cameras[2].live_source']);
  });

  it('hands ffmpeg a protocol whitelist and files as file:<absolute path>', () => {
    expect(ffmpegInput('media/clip.mp4', root)).toEqual({ options: ['-protocol_whitelist', 'file'], input: `file:${join(media, 'clip.mp4')}` });
    expect(ffmpegInput('rtsp://cam/1').options).toEqual(['-protocol_whitelist', 'rtsp,rtsps,rtp,srtp,udp,tcp,tls']);
    expect(ffmpegInput('https://cam/x.m3u8').options[1]).not.toMatch(/file|concat|data|subfile|pipe/);
  });
});
