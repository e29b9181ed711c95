import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AnalyticsStore } from '../store/analytics-store.js';
import { migrateToLatest, openDatabase } from '../store/database.js';
import { csvWithHeadersIn } from '../alerts/locale/csv-headers.js';
import { reportStrings } from '../alerts/messages.js';
import { renderReportPdf } from '../sync/report-pdf.js';
import { auditsCsv, type AuditSummary } from './audits.js';
import { buildReport, timelineCsv } from './report-builder.js';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0) / 1000;

describe('names beside ids in the CSV exports (issue 19, fault 7)', () => {
  it('the report CSV names its zones, lines and busiest zone, ids kept, a formula-like name defused', async () => {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'vantage-csv-names-')), 'n.db'));
    await migrateToLatest(db.db);
    const now = T0 * 1000;
    await db.db
      .insertInto('zones')
      .values([
        { camera_id: 'door', id: 'zone-1', name: 'Front door, inside', points: '[[0,0],[1,0],[1,1]]', updated_at: now },
        { camera_id: 'door', id: 'zone-2', name: '=HYPERLINK("x")', points: '[[0,0],[1,0],[1,1]]', updated_at: now },
      ])
      .execute();
    await db.db.insertInto('lines').values({ camera_id: 'door', id: 'line-1', name: 'Till', points: '[[0,0],[1,1]]', updated_at: now }).execute();
    const ins = db.raw.prepare('INSERT INTO counts_minute (camera_id, minute, kind, target, class_name, entries, exits, crossings_in, crossings_out, max_occupancy, dwell_sum, visits) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0)');
    ins.run('door', T0 / 60, 'zone', 'zone-1', 'person', 5, 3, 0, 0, 2);
    ins.run('door', T0 / 60, 'zone', 'zone-2', 'person', 1, 1, 0, 0, 1);
    ins.run('door', T0 / 60 + 1, 'line', 'line-1', 'person', 0, 0, 4, 2, 0);
    const body = await buildReport(db.db, new AnalyticsStore(db.db), { cameras: ['door'], from: T0, to: T0 + 180, resolution: 60, analysis: { timezone: 'Asia/Kolkata', previous: false, weeks: 0, dayHour: false } }, new Date((T0 + 200) * 1000));
    expect(body.busiest_zone).toEqual({ camera: 'door', zone: 'zone-1', name: 'Front door, inside', entries: 5 });
    const csv = timelineCsv(body);
    const blocks = csv.trim().split('\n\n');
    // The timeline first, unchanged.
    expect(blocks[0]!.split('\n')[0]).toBe('time,tracks,visitors,entries,exits,crossings_in,crossings_out,max_occupancy,coverage_pct,low_coverage');
    expect(csv).toContain('busiest_camera,busiest_zone,busiest_zone_name,busiest_zone_entries\n');
    expect(csv).toContain(',door,zone-1,"Front door, inside",5\n');
    const zones = blocks.find((b) => b.startsWith('camera,zone,'))!.split('\n');
    expect(zones[0]).toBe('camera,zone,zone_name,entries,exits,peak_occupancy,peak_occupancy_at,dwell_visits,dwell_average_s');
    expect(zones.slice(1).map((r) => r.split(',').slice(0, 2).join(','))).toEqual(['door,zone-1', 'door,zone-2']);
    expect(zones[1]).toMatch(/^door,zone-1,"Front door, inside",5,3,2,/);
    // A name a spreadsheet would run as a formula is written as text.
    expect(zones[2]).toMatch(/^door,zone-2,"'=HYPERLINK\(""x""\)",1,1,1,/);
    const lines = blocks.find((b) => b.startsWith('camera,line,'))!.split('\n');
    expect(lines).toEqual(['camera,line,line_name,crossings_in,crossings_out', 'door,line-1,Till,4,2']);
    // The scheduled report's Russian CSV names these columns too (headers only; ids and names as written).
    const ru = csvWithHeadersIn('ru', csv);
    const heads = ru.split('\n\n').map((b) => b.split('\n')[0]!);
    expect(heads.filter((h) => /[A-Za-z]/.test(h))).toEqual([]);
    expect(heads.map((h) => h.split(',').length)).toEqual(csv.split('\n\n').map((b) => b.split('\n')[0]!.split(',').length)); // one cell per column
    expect(ru).toContain('\n\nкамера,зона,название зоны,');
    expect(ru).toContain('\ndoor,zone-1,"Front door, inside",5,3,2,');
    // The scheduled report's PDF names the busiest zone and its camera (pdftotext reads its text).
    const pdf = await renderReportPdf(body, { every: 'day', site: '', timeZone: 'Asia/Kolkata', strings: reportStrings('en'), cameraName: (id) => (id === 'door' ? 'Front door' : id) });
    const file = join(mkdtempSync(join(tmpdir(), 'vantage-csv-names-pdf-')), 'r.pdf');
    writeFileSync(file, pdf);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toMatch(/Busiest zone: Front door, inside · Front door \(5\)/);
    await db.close();
  });

  it('the audits CSV names the camera and line after the ids (the id where no name is known)', () => {
    const result = { true: 3, counted: 2, abs_error: 1, accuracy_pct: 66.7 };
    const audit: AuditSummary = {
      id: 'a1',
      created_at: '2026-11-23T12:00:00.000Z',
      created_by: 'operator',
      kind: 'camera',
      session: null,
      camera: 'door',
      line: 'line-1',
      from: T0,
      to: T0 + 60,
      note: null,
      results: { in: result, out: result, total: result },
    };
    const csv = auditsCsv([audit, { ...audit, id: 'a2', line: 'gone' }], (a) => ({ camera: 'Front door', line: a.line === 'line-1' ? 'Till' : a.line }));
    const rows = csv.trim().split('\n');
    expect(rows[0]).toBe('audit,created_at,created_by,kind,session,camera,line,from,to,direction,true,counted,abs_error,accuracy_pct,camera_name,line_name');
    expect(rows[1]).toBe(`a1,2026-11-23T12:00:00.000Z,operator,camera,,door,line-1,${T0},${T0 + 60},in,3,2,1,66.7,Front door,Till`);
    expect(rows[4]!.endsWith(',Front door,gone')).toBe(true);
  });
});
