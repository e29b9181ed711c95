import { describe, expect, it } from 'vitest';
import { validateConfig } from '../config/loader.js';
import { mergeCameras } from './camera-overrides.js';

describe('mergeCameras', () => {
  const cfg = validateConfig({ cameras: [{ id: 'a', source: 'a.mp4' }, { id: 'b', source: 'b.mp4' }] });
  const [a, b] = cfg.cameras as [(typeof cfg.cameras)[number], (typeof cfg.cameras)[number]];
  it('replaces by id, removes tombstoned file cameras, appends API cameras, keeps file order', () => {
    const overrides = new Map([
      ['b', { ...b, source: 'b2.mp4' }],
      ['a', null],
      ['c', { ...a, id: 'c', source: 'c.mp4' }],
    ]);
    expect(mergeCameras(cfg.cameras, overrides).map((c) => `${c.id}:${c.source}`)).toEqual(['b:b2.mp4', 'c:c.mp4']);
    expect(mergeCameras(cfg.cameras, new Map()).map((c) => c.id)).toEqual(['a', 'b']);
  });
});
