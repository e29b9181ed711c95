/**
 * Fault (issue 19): a saturated machine while someone watches the live view. One busy-looping process
 * per core runs (at normal priority, beside the daemon, the browser and the detector of the
 * measurement) for the whole case; the boxes the player draws must still be those of the frame on
 * screen: IoU >= 0.5 against a detection on the displayed picture for >= 90 % of person boxes, as on a
 * quiet machine (live-sync.test.ts; measured by live-sync-kit.ts). Pairing by arrival time alone
 * (what the player does until it knows the peer's RTP offset) fell below the bar here (87 % of boxes,
 * 82 % of samples with their own frame's boxes, at load ~25 on 2 cores); the pairing by the frame's RTP
 * timestamp does not care how late either arrives (100 % / 97.5 % in the same conditions).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectInStep, LiveSyncRig } from '../live-sync-kit.js';
import { FULL, reportFigures } from './fault-kit.js';

const SAMPLES = FULL ? 80 : 40;
const EVERY_MS = 250;
const HOGS = availableParallelism();

describe(`fault: the live view's boxes with ${HOGS} CPU hogs running`, () => {
  const rig = new LiveSyncRig();
  const hogs: ChildProcess[] = [];
  beforeAll(async () => {
    for (let i = 0; i < HOGS; i++) hogs.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
    await rig.start();
  });
  afterAll(async () => {
    for (const h of hogs) h.kill('SIGKILL');
    await rig.stop();
  });

  it(`a person's box matches a detection on the displayed frame (IoU >= 0.5) in >= 90 % of ${SAMPLES} samples while the CPUs are saturated`, async () => {
    const summary = await rig.measure(SAMPLES, EVERY_MS);
    // The hogs ran throughout (none exited early): the load was there.
    expect(hogs.every((h) => h.exitCode === null && h.signalCode === null)).toBe(true);
    reportFigures('live-sync-load', { hogs: HOGS, ...summary });
    console.log(`live sync under load: ${JSON.stringify(summary)}`);
    expectInStep(summary, SAMPLES);
  }, 400_000);
});
