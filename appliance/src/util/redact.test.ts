import { describe, expect, it } from 'vitest';
import { redactText, redactUrl, secretsOf } from './redact.js';

describe('redaction of credentials', () => {
  it('hides user info up to the last "@", also when the password holds "@" or ":"', () => {
    expect(redactUrl('rtsp://admin:p@ss@cam.local/stream')).toBe('rtsp://***:***@cam.local/stream');
    expect(redactUrl('rtsp://admin:p@ss:w@rd@10.0.0.1:554/')).toBe('rtsp://***:***@10.0.0.1:554/');
    expect(redactUrl('rtsp://token@cam/')).toBe('rtsp://***@cam/');
    expect(redactUrl('rtsp://cam.local/stream')).toBe('rtsp://cam.local/stream');
  });

  it('hides the values of secret-looking query keys, keeps the others', () => {
    expect(redactUrl('http://cam/video.cgi?user=admin&pwd=hunter2&channel=1')).toBe('http://cam/video.cgi?user=***&pwd=***&channel=1');
    expect(redactUrl('https://cam/x?Password=a&api_key=b&X-Amz-Signature=c&access_token=d&auth=e&secret=f&resolution=720')).toBe(
      'https://cam/x?Password=***&api_key=***&X-Amz-Signature=***&access_token=***&auth=***&secret=***&resolution=720',
    );
    expect(redactUrl('rtsp://cam/s;user=admin;pass=x')).toBe('rtsp://cam/s;user=***;pass=***');
  });

  it('cleans URLs inside ffmpeg error text and log lines', () => {
    const line = "[rtsp @ 0x55] method DESCRIBE failed: 401 Unauthorized rtsp://admin:p@ss@cam/s?pwd=hunter2: Server returned 401 Unauthorized (authorization failed)";
    const out = redactUrl(line);
    expect(out).not.toMatch(/p@ss|hunter2|admin/);
    expect(out).toContain('401 Unauthorized');
    expect(redactUrl("Input #0, rtsp, from 'rtsp://u:pw@cam/':")).toBe("Input #0, rtsp, from 'rtsp://***:***@cam/':");
  });

  it('replaces a known URL\'s secrets wherever they are echoed', () => {
    const url = 'rtsp://admin:S3cr%40t@cam/s?token=abcdef&channel=2';
    expect(secretsOf(url)).toEqual(expect.arrayContaining(['S3cr%40t', 'S3cr@t', 'abcdef', 'admin']));
    expect(redactText('Invalid credentials S3cr@t for admin (token abcdef), channel 2', [url])).toBe('Invalid credentials *** for *** (token ***), channel 2');
    expect(redactText('nothing secret here', [undefined, null])).toBe('nothing secret here');
  });
});
