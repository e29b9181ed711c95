import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAMPUS, freePort, MEDIA, signIn, startCli, tempDir, waitFor } from './helpers.js';
import { launchChromium } from './browser.js';

// Issue 19, fault 2: SIGTERM while someone watched over WebRTC ended in a native crash in wrtc's
// cleanup after "stopped" (SIGSEGV/SIGABRT: every time on this machine before the fix). The real
// daemon, real Chromium viewers, a real SIGTERM; repeated, as such a crash can be intermittent.

const ROUNDS = 3;

/**
 * In the page (plain JS: this project's test types have no DOM): a recvonly peer that POSTs its offer
 * with the bearer token and counts the frames its <video> shows in `window.shown`.
 */
const VIEW = `async ({ camera, token }) => {
  const pc = new RTCPeerConnection({ iceServers: [] });
  pc.addTransceiver('video', { direction: 'recvonly' });
  const video = document.createElement('video');
  video.muted = true;
  video.autoplay = true;
  document.body.append(video);
  window.shown = 0;
  const count = () => {
    window.shown++;
    video.requestVideoFrameCallback(count);
  };
  video.requestVideoFrameCallback(count);
  pc.ontrack = (e) => {
    video.srcObject = e.streams[0] ?? new MediaStream([e.track]);
    void video.play();
  };
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((r) => {
    if (pc.iceGatheringState === 'complete') return r();
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r());
    setTimeout(r, 2000);
  });
  const res = await fetch('/api/v1/cameras/' + camera + '/webrtc', {
    method: 'POST',
    headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'offer', sdp: pc.localDescription.sdp }),
  });
  if (res.status !== 200) throw new Error('offer answered ' + res.status + ': ' + (await res.text()));
  await pc.setRemoteDescription(await res.json());
}`;

describe('stopping the daemon while WebRTC viewers watch', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => browser?.close());

  it(`exits 0 after SIGTERM with two Chromium viewers playing, ${ROUNDS} times in a row`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const dir = tempDir();
      const port = await freePort();
      const cfg = join(dir, 'config.yaml');
      writeFileSync(cfg, `http:\n  port: ${port}\nstorage:\n  path: ${join(dir, 'v.db')}\n  media_dirs: [${MEDIA}]\ndetector:\n  workers: 1\ncameras:\n  - id: campus\n    source: ${CAMPUS}\n    loop: true\n    detect_every: 5\n`);
      const child = startCli(['run', '--config', cfg]);
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
      const ctx = await browser.newContext();
      try {
        const base = `http://127.0.0.1:${port}`;
        await waitFor('readyz 200', async () => ((await fetch(`${base}/readyz`)).status === 200 ? true : undefined));
        const token = await signIn(base);
        const pages = [await ctx.newPage(), await ctx.newPage()];
        for (const p of pages) {
          await p.goto(base);
          await p.evaluate(`(${VIEW})(${JSON.stringify({ camera: 'campus', token })})`);
        }
        for (const p of pages) await waitFor('frames shown in Chromium', async () => ((await p.evaluate('window.shown')) as number) >= 5 || undefined, 30_000);
        const metrics = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
        expect(metrics).toMatch(/^vantage_live_viewers\{camera="campus",transport="webrtc"\} 2$/m);
        child.kill('SIGTERM');
        const end = await exited;
        const logs = child.output().trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string });
        expect({ round, ...end }, child.output().split('\n').filter((l) => !l.startsWith('{')).join('\n')).toEqual({ round, code: 0, signal: null });
        expect(logs.at(-1)!.msg).toBe('stopped');
        expect(logs.some((l) => l.msg.startsWith('WebRTC objects still referenced'))).toBe(false);
      } finally {
        child.kill('SIGKILL');
        await ctx.close();
      }
    }
  }, 180_000);
});
