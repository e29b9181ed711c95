import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { CAMPUS, MEDIA, freePort, startCli, tempDir, waitFor } from './helpers.js';

// What the stop tests share (live-stop.test.ts, stop-under-load.test.ts): a daemon with looping
// cameras started through the real CLI, Chromium WebRTC viewers, and the outcome of a SIGTERM read back
// from the daemon's own log lines and its SQLite file.

/**
 * In the page (plain JS: this project's test types have no DOM): a recvonly peer that POSTs its offer
 * with the bearer token and counts the frames its <video> shows in `window.shown`.
 */
export const VIEW = `async ({ camera, token }) => {
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

/** Opens the dashboard's origin in `page`, starts a WebRTC viewer of `camera` there and waits until it has shown `frames` frames. */
export async function watch(page: Page, base: string, camera: string, token: string, frames = 5): Promise<void> {
  await page.goto(base);
  await page.evaluate(`(${VIEW})(${JSON.stringify({ camera, token })})`);
  await waitFor('frames shown in Chromium', async () => ((await page.evaluate('window.shown')) as number) >= frames || undefined, 30_000);
}

export interface DaemonRun {
  base: string;
  dbPath: string;
  child: ReturnType<typeof startCli>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The daemon (`vantage run`) with each of `cameras` looping the campus clip in real time; resolves once /readyz answers 200. */
export async function startDaemon(cameras: readonly string[], detectEvery = 5): Promise<DaemonRun> {
  const dir = tempDir();
  const port = await freePort();
  const cfg = join(dir, 'config.yaml');
  const dbPath = join(dir, 'v.db');
  const cams = cameras.map((id) => `  - id: ${id}\n    source: ${CAMPUS}\n    loop: true\n    detect_every: ${detectEvery}\n`).join('');
  writeFileSync(cfg, `http:\n  port: ${port}\nstorage:\n  path: ${dbPath}\n  media_dirs: [${MEDIA}]\ndetector:\n  workers: 1\ncameras:\n${cams}`);
  const child = startCli(['run', '--config', cfg]);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const base = `http://127.0.0.1:${port}`;
  await waitFor('readyz 200', async () => ((await fetch(`${base}/readyz`)).status === 200 ? true : undefined), 60_000);
  return { base, dbPath, child, exited };
}

export interface LogLine {
  msg: string;
  [k: string]: unknown;
}

/** The daemon's JSON log lines. */
export function logLines(output: string): LogLine[] {
  return output.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as LogLine);
}

/** What the "stopped" line says: the phases of the stop and the whole, in ms. */
export function stopTimes(logs: readonly LogLine[]): { phases_ms: Record<string, number>; total_ms: number } | undefined {
  const l = logs.find((x) => x.msg === 'stopped');
  return l ? { phases_ms: l.phases_ms as Record<string, number>, total_ms: l.total_ms as number } : undefined;
}

/** Each camera's "camera stopped" line: frames analysed in all and the last analysed frame's time. */
export function cameraStops(logs: readonly LogLine[]): Map<string, { framesInferred: number; lastInferredMs: number | null }> {
  return new Map(logs.filter((l) => l.msg === 'camera stopped').map((l) => [l.camera as string, { framesInferred: l.frames_inferred as number, lastInferredMs: l.last_inferred_ms as number | null }]));
}

/**
 * A camera's per-second detection rows in the file: the analysed frames they account for (each second
 * once, whatever its classes) and the latest second.
 */
export function storedCounts(dbPath: string, camera: string): { frames: number; lastSecond: number | null } {
  const db = new Database(dbPath, { readonly: true });
  try {
    const r = db.prepare('SELECT SUM(frames) AS frames, MAX(ts) AS last FROM (SELECT ts, MAX(frames) AS frames FROM detection_seconds WHERE camera_id = ? GROUP BY ts)').get(camera) as { frames: number | null; last: number | null };
    return { frames: r.frames ?? 0, lastSecond: r.last };
  } finally {
    db.close();
  }
}

/** A camera's stored tracks: how many, and the latest time any of them was seen (ms). */
export function storedTracks(dbPath: string, camera: string): { tracks: number; lastSeenMs: number | null } {
  const db = new Database(dbPath, { readonly: true });
  try {
    const r = db.prepare('SELECT COUNT(*) AS n, MAX(last_seen) AS last FROM tracks WHERE camera_id = ?').get(camera) as { n: number; last: number | null };
    return { tracks: r.n, lastSeenMs: r.last };
  } finally {
    db.close();
  }
}
