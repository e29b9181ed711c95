/**
 * Fault (a): SIGKILL during heavy writes, N times in a row at random moments (short 5, full 20).
 * Three looped cameras with zones and lines write per-second detections, tracks, events, minute counts
 * and heatmaps; every event also goes through the MQTT outbox to a broker that is up in some runs and
 * down in others. After every kill: `PRAGMA integrity_check` is ok; minute counts, heatmap totals,
 * events and tracks never go backwards; every outbox message stored before the kill is still there
 * (delivered or pending), and every QoS 1 message marked delivered really reached the broker.
 */
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeGrid } from '../../src/analytics/heatmap.js';
import { CAMPUS, freePort, STADTMITTE } from '../helpers.js';
import { daemonDir, FULL, integrityCheck, reportFigures, sleep, startDaemon, writeConfig, type Daemon } from './fault-kit.js';
import { startBroker, type TestBroker } from '../mqtt-broker.js';

const KILLS = FULL ? 20 : 5;
/** A kill lands this long after the daemon is ready: before, during and after the 5 s analytics flush. */
const KILL_AFTER_MS: [number, number] = [500, 7000];

const SHAPES = "lines: [{ id: mid, points: [[0.5, 0.2], [0.5, 0.98]] }], zones: [{ id: left, points: [[0.02, 0.2], [0.5, 0.2], [0.5, 0.99], [0.02, 0.99]] }]";

interface Snapshot {
  integrity: string;
  /** Sum of entries, exits, crossings and visits over counts_minute. */
  counts: number;
  heatHour: number;
  heatDay: number;
  events: number;
  tracks: number;
  detections: number;
  /** Outbox message ids (the payload's uuid, or the row id) → delivered? */
  outbox: Map<string, { delivered: boolean; qos: number; uuid: string | undefined }>;
}

function snapshot(dbPath: string): Snapshot {
  const integrity = integrityCheck(dbPath);
  const db = new Database(dbPath, { readonly: true });
  try {
    const one = (sql: string) => Number((db.prepare(sql).get() as { n: number | null }).n ?? 0);
    const heat = (table: string) => {
      let sum = 0;
      for (const r of db.prepare(`SELECT data FROM ${table}`).all() as Array<{ data: Buffer }>) for (const v of decodeGrid(r.data).values) sum += v;
      return sum;
    };
    const outbox = new Map<string, { delivered: boolean; qos: number; uuid: string | undefined }>();
    for (const r of db.prepare('SELECT id, payload, qos, delivered_at FROM outbox').all() as Array<{ id: number; payload: string; qos: number; delivered_at: number | null }>) {
      let uuid: string | undefined;
      try {
        const p = JSON.parse(r.payload) as { id?: unknown };
        if (typeof p.id === 'string') uuid = p.id;
      } catch {
        // a raw payload (not JSON)
      }
      outbox.set(uuid ?? `row:${r.id}`, { delivered: r.delivered_at !== null, qos: r.qos, uuid });
    }
    return {
      integrity,
      counts: one('SELECT SUM(entries + exits + crossings_in + crossings_out + visits) AS n FROM counts_minute'),
      heatHour: heat('heatmap_hour'),
      heatDay: heat('heatmap_day'),
      events: one('SELECT COUNT(*) AS n FROM events'),
      tracks: one('SELECT COUNT(*) AS n FROM tracks'),
      detections: one('SELECT SUM(frames) AS n FROM detection_seconds'),
      outbox,
    };
  } finally {
    db.close();
  }
}

describe(`fault: SIGKILL during heavy writes, ${KILLS} times at random moments`, () => {
  let daemon: Daemon | undefined;
  let broker: TestBroker | undefined;
  afterAll(async () => {
    await daemon?.kill();
    await broker?.close();
  });

  it('integrity ok after every kill; counts, heatmaps, events and tracks never go backwards; no outbox message lost', async () => {
    const { dir, port, dbPath, head } = await daemonDir('sigkill');
    const mqttPort = await freePort();
    const cfg = writeConfig(dir, [
      ...head,
      'site: { name: faults, device: kill }',
      `mqtt: { url: "mqtt://127.0.0.1:${mqttPort}", keepalive: 5 }`,
      'cameras:',
      `  - { id: campus, source: ${CAMPUS}, loop: true, ${SHAPES} }`,
      `  - { id: stadt, source: ${STADTMITTE}, loop: true, ${SHAPES} }`,
      `  - { id: campus2, source: ${CAMPUS}, loop: true, detect_every: 2, ${SHAPES} }`,
    ]);
    const brokerSeen = new Set<string>();
    const collect = () => {
      for (const m of broker?.received ?? []) {
        try {
          const id = (JSON.parse(m.payload) as { id?: unknown }).id;
          if (typeof id === 'string') brokerSeen.add(id);
        } catch {
          // not JSON
        }
      }
    };

    let prev: Snapshot | undefined;
    const killedAfter: number[] = [];
    let lostTotal = 0;
    for (let i = 0; i < KILLS; i++) {
      // The broker is up in two runs of three, down in the third: some messages wait in the outbox across kills.
      const brokerUp = i % 3 !== 2;
      if (brokerUp && !broker) broker = await startBroker(mqttPort);
      if (!brokerUp && broker) {
        collect();
        await broker.close();
        broker = undefined;
      }
      daemon = await startDaemon(cfg, port);
      const wait = KILL_AFTER_MS[0] + Math.floor(Math.random() * (KILL_AFTER_MS[1] - KILL_AFTER_MS[0]));
      killedAfter.push(wait);
      await sleep(wait);
      const { signal } = await daemon.kill('SIGKILL');
      expect(signal).toBe('SIGKILL');
      daemon = undefined;
      collect();

      const s = snapshot(dbPath);
      const at = `after kill ${i + 1} (${wait} ms after ready)`;
      expect(s.integrity, `integrity_check ${at}`).toBe('ok');
      if (prev) {
        expect(s.counts, `minute counts ${at}`).toBeGreaterThanOrEqual(prev.counts);
        expect(s.heatHour, `hourly heatmap total ${at}`).toBeGreaterThanOrEqual(prev.heatHour - 1e-3);
        expect(s.heatDay, `daily heatmap total ${at}`).toBeGreaterThanOrEqual(prev.heatDay - 1e-3);
        expect(s.events, `events ${at}`).toBeGreaterThanOrEqual(prev.events);
        expect(s.tracks, `tracks ${at}`).toBeGreaterThanOrEqual(prev.tracks);
        expect(s.detections, `detection seconds ${at}`).toBeGreaterThanOrEqual(prev.detections);
        const lost = [...prev.outbox.keys()].filter((k) => !s.outbox.has(k));
        lostTotal += lost.length;
        expect(lost, `outbox messages gone ${at}`).toEqual([]);
        const unmarked = [...prev.outbox].filter(([k, v]) => v.delivered && !s.outbox.get(k)?.delivered);
        expect(unmarked, `messages un-delivered ${at}`).toEqual([]);
      }
      // Marked delivered (QoS 1) means the broker acknowledged it: it must have reached the broker.
      const phantom = [...s.outbox.values()].filter((v) => v.delivered && v.qos === 1 && v.uuid && !brokerSeen.has(v.uuid));
      expect(phantom.length, `QoS 1 messages marked delivered that the broker never got, ${at}`).toBe(0);
      prev = s;
    }

    // And once more: it starts on what the last kill left, keeps counting, and stops cleanly.
    if (!broker) broker = await startBroker(mqttPort);
    daemon = await startDaemon(cfg, port);
    await sleep(4000);
    const { code } = await daemon.kill('SIGTERM');
    daemon = undefined;
    expect(code).toBe(0);
    collect();
    const last = snapshot(dbPath);
    expect(last.integrity).toBe('ok');
    expect(last.detections).toBeGreaterThan(prev!.detections);
    expect(last.events).toBeGreaterThanOrEqual(prev!.events);
    expect([...prev!.outbox.keys()].filter((k) => !last.outbox.has(k))).toEqual([]);
    const delivered = [...last.outbox.values()].filter((v) => v.delivered).length;
    expect(last.events, 'events were written across the runs').toBeGreaterThan(0);
    expect(last.counts, 'minute counts were written across the runs').toBeGreaterThan(0);
    expect(last.heatHour, 'heatmaps were written across the runs').toBeGreaterThan(0);

    reportFigures('sigkill', {
      kills_survived: KILLS,
      integrity_ok: KILLS + 1,
      killed_after_ms: killedAfter,
      events: last.events,
      tracks: last.tracks,
      minute_counts_sum: last.counts,
      heatmap_total: Math.round(last.heatHour),
      outbox_messages: last.outbox.size,
      outbox_delivered: delivered,
      outbox_pending: last.outbox.size - delivered,
      outbox_lost: lostTotal,
    });
  }, (FULL ? 20 : 5) * 30_000 + 60_000);
});
