import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../logger.js';
import { Flusher } from './flusher.js';

describe('Flusher', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes each sink at its own period on one timer, everything once more at stop, and survives a failing sink', async () => {
    vi.useFakeTimers();
    const calls: string[] = [];
    const f = new Flusher(
      [
        { name: 'fast', everyMs: 1000, flush: async (final) => calls.push(`fast${final ? '!' : ''}`) },
        { name: 'slow', everyMs: 5000, flush: async (final) => calls.push(`slow${final ? '!' : ''}`) },
        {
          name: 'broken',
          everyMs: 2000,
          flush: async () => {
            calls.push('broken');
            throw new Error('disk I/O error');
          },
        },
      ],
      silentLogger(),
    );
    f.start();
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls.filter((c) => c === 'fast')).toHaveLength(5);
    expect(calls.filter((c) => c === 'slow')).toHaveLength(1);
    expect(calls.filter((c) => c === 'broken')).toHaveLength(2);
    calls.length = 0;
    await f.stop();
    expect(calls).toEqual(['fast!', 'slow!', 'broken']);
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toHaveLength(3);
  });
});
