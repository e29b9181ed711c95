// Prints the fault-injection suite's figures (the JSON lines its cases append to
// .vantage-test/faults-report.jsonl, see appliance/test/faults/fault-kit.ts): one line per case, then
// one summary line listing every case with its key figures (✓ passed, ✗ failed, – not run; a case
// that failed before reporting shows as not run). `--optional`: say nothing if no case ran.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const args = process.argv.slice(2);
const optional = args.includes('--optional');
const file = resolve(args.find((a) => !a.startsWith('--')) ?? '.vantage-test/faults-report.jsonl');
const CASES = ['sigkill', 'camera-source', 'bad-config', 'bad-video', 'api-fuzz', 'disk-threshold', 'disk-full', 'ws-load', 'upstream-outage'];

if (!existsSync(file)) {
  if (optional) process.exit(0);
  console.log(`faults: no report at ${file} (did any fault case run?)`);
  process.exit(1);
}
const latest = new Map();
for (const line of readFileSync(file, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  try {
    const r = JSON.parse(line);
    latest.set(r.case, r);
  } catch {
    // a torn line from an interrupted run
  }
}
const key = {
  sigkill: (r) => `kills survived ${r.kills_survived}, integrity ok ${r.integrity_ok}/${r.kills_survived + 1}, outbox ${r.outbox_messages} stored / ${r.outbox_delivered} delivered / ${r.outbox_lost} lost`,
  'camera-source': (r) => `hang ${r.hang_detected_ms}→${r.hang_recovered_ms} ms, resized back in ${r.resize_recovered_ms} ms, renamed back in ${r.rename_recovered_ms} ms, other camera gaps ${r.file_camera_gaps}`,
  'bad-config': (r) => `${r.config_errors_named} config errors named`,
  'bad-video': (r) => `sessions ${Object.entries(r.sessions).map(([k, v]) => `${k}:${v}`).join(' ')}, daemon up`,
  'api-fuzz': (r) =>
    `requests fuzzed ${r.requests_fuzzed} over ${r.operations} operations, 5xx ${r.server_errors}, lenient 2xx ${r.lenient_numbers_accepted}` +
    (r.hostile ? `, hostile refused: ${Object.entries(r.hostile).map(([k, v]) => `${k} ${v}`).join(', ')}` : ''),
  'disk-threshold': (r) => `readyz ${r.readyz}, space reclaimed (${r.reclaimed_rows} rows)`,
  'disk-full': (r) => `${r.tmpfs_mb} MiB tmpfs filled, ${r.frames_while_full} frames analysed while full, integrity ${r.integrity}`,
  'ws-load': (r) => `clients held ${r.clients_held}/${r.clients - r.slow_clients}, slow dropped ${r.slow_dropped_by_daemon}/${r.slow_clients}, fps ${r.fps_before} (no clients) / ${r.fps_idle_clients} (idle) → ${r.fps_during} receiving (×${r.fps_ratio}), RSS ${r.rss_before_mb}→${r.rss_during_mb} MiB`,
  'upstream-outage': (r) => `outage ${r.outage_s} s, MQTT delivered ${r.mqtt_events_delivered} events + ${r.mqtt_alerts_delivered} alerts, Telegram ${r.telegram_delivered}, lost ${r.lost}`,
};
for (const name of CASES) {
  const r = latest.get(name);
  console.log(`  ${name.padEnd(16)} ${r ? `[${r.mode}]${r.ok === false ? ' FAILED:' : ''} ${key[name](r)}` : 'not run (skipped or failed)'}`);
}
const mark = (n) => (!latest.has(n) ? '–' : latest.get(n).ok === false ? '✗' : '✓');
console.log(`faults: ${CASES.map((n) => `${n} ${mark(n)}`).join(' · ')} | ${[...latest.values()].map((r) => `${r.case}: ${key[r.case]?.(r) ?? JSON.stringify(r)}`).join(' | ')}`);
