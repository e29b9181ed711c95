import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Appliance } from '../src/appliance.js';
import { validateConfig } from '../src/config/loader.js';
import type { ApplianceEvent } from '../src/events.js';
import { silentLogger } from '../src/logger.js';
import { api, CAMPUS, tempDir, waitFor } from './helpers.js';

type StatusEvent = Extract<ApplianceEvent, { type: 'camera.status' | 'camera.removed' }>;

/** Camera status is an event on the bus: each change once, as it happens, for whoever subscribes. */
describe('camera status on the event bus', () => {
  let app: Appliance;
  let base: string;
  const seen: StatusEvent[] = [];
  beforeAll(async () => {
    app = new Appliance(
      validateConfig({ http: { port: 0 }, storage: { path: join(tempDir(), 'v.db') }, analytics: { hourly_reports: false, daily_reports: false }, cameras: [{ id: 'off', source: CAMPUS, enabled: false }] }),
      silentLogger(),
    );
    app.events.subscribe((e) => {
      if (e.type === 'camera.status' || e.type === 'camera.removed') seen.push(e);
    });
    await app.start();
    base = `http://127.0.0.1:${app.address!.port}`;
  });
  afterAll(async () => app?.stop());

  it('announces a disabled camera, an added one going starting → online, and its stop and removal', async () => {
    expect(seen.map((e) => [e.type, e.camera, 'view' in e ? e.view.status : null])).toEqual([['camera.status', 'off', 'disabled']]);
    const add = await api(`${base}/api/v1/cameras`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'campus', source: CAMPUS, loop: true }) });
    expect(add.status).toBe(201);
    await waitFor('campus online', () => (seen.some((e) => e.camera === 'campus' && 'view' in e && e.view.status === 'online') ? true : undefined), 20_000);
    const online = seen.find((e) => e.camera === 'campus' && 'view' in e && e.view.status === 'online') as Extract<StatusEvent, { type: 'camera.status' }>;
    expect(online.view).toMatchObject({ id: 'campus', status: 'online', lastError: null, width: 640, height: 480 });
    expect((await api(`${base}/api/v1/cameras/campus`, { method: 'DELETE' })).status).toBe(204);
    const campus = seen.filter((e) => e.camera === 'campus').map((e) => ('view' in e ? e.view.status : e.type));
    expect(campus).toEqual(['starting', 'online', 'stopped', 'camera.removed']);
  });
});
