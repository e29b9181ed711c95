import { describe, expect, it } from 'vitest';
import { MAX_STREAM_URL_LENGTH, streamUrlProblem } from './stream-url.js';

describe('stream URLs an analysis may open', () => {
  it('accepts what a camera is: rtsp, rtsps, http and https with a host', () => {
    for (const url of ['rtsp://127.0.0.1:8554/cam1', 'RTSP://cam.local/stream1', 'rtsps://user:p%40ss@10.0.0.2/live', 'http://10.0.0.3/mjpg/video.mjpg', 'https://cam.example/hls/index.m3u8']) {
      expect(streamUrlProblem(url), url).toBeUndefined();
    }
  });

  it('refuses every other thing ffmpeg would open, naming why', () => {
    const cases: Array<[string, RegExp]> = [
      ['file:///etc/passwd', /scheme file is not allowed/],
      ['concat:/a.mp4|/b.mp4', /scheme concat is not allowed/],
      ['subfile:,,start,0,end,0,,:/etc/passwd', /scheme subfile is not allowed/],
      ['data:video/mp4;base64,AAAA', /scheme data is not allowed/],
      ['tcp://0.0.0.0:9000?listen=1', /scheme tcp is not allowed/],
      ['udp://239.0.0.1:1234', /scheme udp is not allowed/],
      ['rtmp://host/app', /scheme rtmp is not allowed/],
      ['/srv/video.mp4', /must be a URL/],
      ['-i /etc/passwd', /spaces/],
      ['-protocol_whitelist', /must be a URL/],
      ['rtsp://host/a b', /spaces/],
      ['rtsp://host/\u0000', /control/],
      ['rtsp:host/stream', /scheme:\/\//],
      ['http:///path-only', /must be a URL|host/],
      [`rtsp://host/${'a'.repeat(MAX_STREAM_URL_LENGTH)}`, /at most/],
    ];
    for (const [url, why] of cases) expect(streamUrlProblem(url), url).toMatch(why);
  });
});
