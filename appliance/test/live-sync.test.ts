import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectInStep, LiveSyncRig } from './live-sync-kit.js';

// Issue 19, fault 1: the boxes drawn over the live picture belong to the frame on screen (how it is
// measured: live-sync-kit.ts; the same under a saturated machine: faults/live-sync-load.test.ts).

const SAMPLES = 40;
const EVERY_MS = 250;

describe('live view: boxes in step with the picture (WebRTC, file camera)', () => {
  const rig = new LiveSyncRig();
  beforeAll(() => rig.start());
  afterAll(() => rig.stop());

  it(`a person's box matches a detection on the displayed frame (IoU >= 0.5) in >= 90 % of ${SAMPLES} samples`, async () => {
    const summary = await rig.measure(SAMPLES, EVERY_MS);
    console.log(`live sync: ${JSON.stringify(summary)}`);
    expectInStep(summary, SAMPLES);
  }, 240_000);
});
