import { describe, expect, it } from 'vitest';
import { StopPhases } from './stop-phases.js';

describe('StopPhases', () => {
  it('runs every phase although one fails, keeps the failure and times each', async () => {
    const ph = new StopPhases();
    const ran: string[] = [];
    await ph.run('cameras', () => {
      ran.push('cameras');
      throw new Error('decoder would not die');
    });
    await ph.run('flusher', async () => {
      await new Promise((r) => setTimeout(r, 20));
      ran.push('flusher');
    });
    await ph.run('store', () => void ran.push('store'));
    expect(ran).toEqual(['cameras', 'flusher', 'store']);
    expect(ph.errors.map((e) => [e.phase, (e.err as Error).message])).toEqual([['cameras', 'decoder would not die']]);
    expect(Object.keys(ph.ms)).toEqual(['cameras', 'flusher', 'store']);
    expect(ph.ms.flusher).toBeGreaterThanOrEqual(15);
    expect(ph.totalMs).toBeGreaterThanOrEqual(ph.ms.flusher!);
  });

  it('all() runs its phases side by side: each here waits for the other to have started', async () => {
    const ph = new StopPhases();
    let startedA!: () => void;
    let startedB!: () => void;
    const a = new Promise<void>((r) => (startedA = r));
    const b = new Promise<void>((r) => (startedB = r));
    // Run one after the other, the first would wait for ever for the second.
    await ph.all({
      cameras: async () => (startedA(), await b),
      'live video': async () => (startedB(), await a),
    });
    expect(Object.keys(ph.ms).sort()).toEqual(['cameras', 'live video']);
    expect(ph.errors).toEqual([]);
  });
});
