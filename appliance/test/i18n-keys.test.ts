import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { className } from '../src/alerts/locale/class-names.js';
import { csvWithHeadersIn } from '../src/alerts/locale/csv-headers.js';
import { en as applianceEn } from '../src/alerts/locale/en.js';
import { ru as applianceRu } from '../src/alerts/locale/ru.js';
import { alertMessage, reportStrings, testMessage, type FiringDetails } from '../src/alerts/messages.js';
import { ruleBodySchema, type AlertRule } from '../src/alerts/rules.js';
import { SCOPES } from '../src/auth/roles.js';
import { timelineCsv, type ReportBody } from '../src/analytics/report-builder.js';
import { configSchema } from '../src/config/schema.js';
import { EVENT_TYPES } from '../src/store/event-types.js';
import { ROOT } from './helpers.js';
import { localeTable } from './locale-table.js';

// Issue 19, fault 8: every string the dashboard shows and every message the appliance sends comes
// from the locale files. These fail on a key missing from a locale (dashboard or appliance), a key
// used in the code that no locale has, an API error code without a localized text, and a word the
// daemon sends to the dashboard (a status, an event type, a scope…) that the dashboard cannot name.

const web = { en: localeTable(join(ROOT, 'web-ui/src/i18n/en.ts')), ru: localeTable(join(ROOT, 'web-ui/src/i18n/ru.ts')) };
const box = { en: applianceEn as Record<string, string>, ru: applianceRu as Record<string, string> };

function sourceFiles(dir: string, ext = /\.tsx?$/): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return sourceFiles(p, ext);
    return ext.test(p) && !p.endsWith('.test.ts') && !p.endsWith('.gen.ts') ? [p] : [];
  });
}

/** Keys passed to the named functions: literal ones, and the fixed start of template ones (`ev.${type}` → 'ev.'). */
function keysUsed(files: string[], fns: string[]): { literal: Array<{ key: string; at: string }>; prefixes: Array<{ prefix: string; at: string }> } {
  const literal: Array<{ key: string; at: string }> = [];
  const prefixes: Array<{ prefix: string; at: string }> = [];
  for (const file of files) {
    const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
    const visit = (n: ts.Node) => {
      if (ts.isCallExpression(n) && fns.includes(n.expression.getText(src))) {
        const keyArg = n.expression.getText(src) === 'message' ? n.arguments[1] : n.arguments[0];
        let a = keyArg;
        while (a && (ts.isAsExpression(a) || ts.isParenthesizedExpression(a))) a = a.expression;
        const at = `${relative(ROOT, file)}:${src.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
        if (a && (ts.isStringLiteral(a) || ts.isNoSubstitutionTemplateLiteral(a))) literal.push({ key: a.text, at });
        else if (a && ts.isTemplateExpression(a)) prefixes.push({ prefix: a.head.text, at });
      }
      ts.forEachChild(n, visit);
    };
    visit(src);
  }
  return { literal, prefixes };
}

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');

function parity(t: { en: Record<string, string>; ru: Record<string, string> }): string[] {
  const problems: string[] = [];
  for (const k of Object.keys(t.en)) {
    if (!(k in t.ru)) problems.push(`${k}: missing from ru`);
    else if (!t.ru[k]!.trim()) problems.push(`${k}: empty in ru`);
    else if (placeholders(t.en[k]!) !== placeholders(t.ru[k]!)) problems.push(`${k}: placeholders {${placeholders(t.en[k]!)}} vs {${placeholders(t.ru[k]!)}}`);
  }
  for (const k of Object.keys(t.ru)) if (!(k in t.en)) problems.push(`${k}: only in ru`);
  return problems;
}

/** Keys of `names` under `prefix` that a locale lacks. */
const missing = (t: { en: Record<string, string>; ru: Record<string, string> }, prefix: string, names: readonly string[]) =>
  names.flatMap((n) => (['en', 'ru'] as const).filter((l) => !(`${prefix}${n}` in t[l])).map((l) => `${l}: ${prefix}${n}`));

describe('locale keys (dashboard and appliance)', () => {
  it('the dashboard and the appliance locales have the same keys and {placeholders} in English and Russian', () => {
    expect(Object.keys(web.en).length).toBeGreaterThan(300);
    expect(Object.keys(box.en).length).toBeGreaterThan(40);
    expect(parity(web), 'web-ui/src/i18n').toEqual([]);
    expect(parity(box), 'appliance/src/alerts/locale').toEqual([]);
  });

  it('the parity check fails on a missing key and on a lost placeholder', () => {
    expect(parity({ en: { a: 'x {n}', b: 'y' }, ru: { a: 'х' } })).toEqual(['a: placeholders {n} vs {}', 'b: missing from ru']);
  });

  it('every key the dashboard code passes to t() is in both locales; every dynamic key has its family there', () => {
    const { literal, prefixes } = keysUsed(sourceFiles(join(ROOT, 'web-ui/src')), ['t']);
    expect(literal.length).toBeGreaterThan(300); // the parser found the calls
    expect(literal.filter(({ key }) => !(key in web.en) || !(key in web.ru)).map(({ key, at }) => `${at} ${key}`)).toEqual([]);
    expect(prefixes.filter(({ prefix }) => !Object.keys(web.en).some((k) => k.startsWith(prefix))).map(({ prefix, at }) => `${at} ${prefix}…`)).toEqual([]);
  });

  it('every key the appliance code writes a message with is in both of its locales', () => {
    const users = sourceFiles(join(ROOT, 'appliance/src')).filter((f) => /from '(\.|[./a-z-]*\/locale)\/text\.js'/.test(readFileSync(f, 'utf8')));
    const { literal, prefixes } = keysUsed(users, ['m', 'message']);
    expect(users.map((f) => relative(ROOT, f)).sort()).toEqual(expect.arrayContaining(['appliance/src/alerts/locale/csv-headers.ts', 'appliance/src/alerts/messages.ts']));
    expect(literal.length).toBeGreaterThan(15);
    expect(literal.filter(({ key }) => !(key in box.en) || !(key in box.ru)).map(({ key, at }) => `${at} ${key}`)).toEqual([]);
    expect(prefixes.filter(({ prefix }) => !Object.keys(box.en).some((k) => k.startsWith(prefix))).map(({ prefix, at }) => `${at} ${prefix}…`)).toEqual([]);
  });

  it('every error code the API can return has a text in both dashboard locales', () => {
    // The ErrorCode union (VantageError) and every code written anywhere in the daemon's source.
    const errorsTs = readFileSync(join(ROOT, 'appliance/src/errors.ts'), 'utf8');
    const union = errorsTs.slice(errorsTs.indexOf('export type ErrorCode'), errorsTs.indexOf(';', errorsTs.indexOf('export type ErrorCode')));
    const codes = new Set([...union.matchAll(/'(ERR_[A-Z_]+)'/g)].map((m) => m[1]!));
    expect(codes.size).toBeGreaterThan(15);
    // Node's own util.parseArgs code, which main.ts reads and never sends.
    const notOurs = new Set(['ERR_PARSE_ARGS']);
    for (const f of sourceFiles(join(ROOT, 'appliance/src'))) for (const m of readFileSync(f, 'utf8').matchAll(/'(ERR_[A-Z_]+)'/g)) if (!notOurs.has(m[1]!)) codes.add(m[1]!);
    expect(codes).toContain('ERR_INTERNAL');
    expect(missing(web, 'error.', [...codes].sort())).toEqual([]);
    // The fallbacks: a bare HTTP status (a proxy's page) and no answer at all.
    expect(missing(web, 'error.', ['http', 'network', 'fields'])).toEqual([]);
  });

  it('every word the daemon sends for the dashboard to name has a text in both locales', () => {
    const literalUnion = (file: string, name: string) => {
      const s = readFileSync(join(ROOT, file), 'utf8');
      const at = s.indexOf(name);
      expect(at, `${name} in ${file}`).toBeGreaterThan(0);
      return [...s.slice(at, s.indexOf(';', at)).matchAll(/'([a-z_ ()]+)'/g)].map((m) => m[1]!);
    };
    const cameraStatus = literalUnion('appliance/src/sources/camera-source.ts', 'export type CameraStatus');
    const sessionStatus = literalUnion('appliance/src/store/schema.ts', "status: 'created'");
    expect(missing(web, 'status.', [...cameraStatus, 'disabled', ...sessionStatus])).toEqual([]);
    expect(missing(web, 'ev.', Object.keys(EVENT_TYPES))).toEqual([]);
    expect(missing(web, 'alerts.type_', ruleBodySchema.options.map((o) => o.shape.type.value))).toEqual([]);
    expect(missing(web, 'scope.', SCOPES)).toEqual([]);
    expect(missing(web, 'sys.provider.', configSchema.shape.detector.unwrap().shape.provider.unwrap().options)).toEqual([]);
    // Delivery states the alert channels write ('quiet hours' → delivery.quiet_hours).
    const states = sourceFiles(join(ROOT, 'appliance/src/alerts/channels'))
      .flatMap((f) => readFileSync(f, 'utf8').split('\n'))
      .filter((line) => /initialState: |setState\(/.test(line))
      .flatMap((line) => [...line.matchAll(/'([^']+)'/g)].map((x) => x[1]!));
    expect(states).toContain('off (no broker)');
    expect(missing(web, 'delivery.', states.map((s) => s.replace(/\W+/g, '_').replace(/_$/, '')))).toEqual([]);
  });

  it('every class of the bundled models has a Russian name in the appliance messages, the same as the dashboard’s', () => {
    const classes = new Set<string>();
    for (const d of readdirSync(join(ROOT, 'models'))) {
      for (const f of readdirSync(join(ROOT, 'models', d)).filter((n) => n.endsWith('labels.txt'))) {
        for (const c of readFileSync(join(ROOT, 'models', d, f), 'utf8').split('\n')) if (c.trim()) classes.add(c.trim());
      }
    }
    expect(classes.size).toBeGreaterThanOrEqual(80);
    const differ = [...classes].filter((c) => className(c, 'ru') === c || className(c, 'ru') !== web.ru[`class.${c}`]).map((c) => `${c}: ${className(c, 'ru')} vs ${web.ru[`class.${c}`]}`);
    expect(differ).toEqual([]);
    expect(className('person', 'en')).toBe('person'); // English keeps the model's names
  });

  it('every message the appliance sends in Russian has no English word left (names and units apart)', () => {
    const site = 'Склад';
    const d: FiringDetails = { camera: 'c', cameraName: 'Двор', zone: 'Вход', line: 'Проход', className: 'person', count: 3, seconds: 12, trackId: 7, area: 'Зал', percent: 90, speed: 3.5 };
    const texts: string[] = [testMessage('ru', site)];
    for (const option of ruleBodySchema.options) {
      const type = option.shape.type.value;
      const rule = { id: 'r', name: 'Правило', type, above: 2, over: 2, above_seconds: 30, above_percent: 80, above_mps: 3, during: { from: '22:00', to: '06:00' } } as unknown as AlertRule;
      texts.push(alertMessage(rule, d, 'ru', site), alertMessage(rule, { ...d, area: undefined }, 'ru', site));
      expect(alertMessage(rule, d, 'en', site), type).toMatch(/[a-z]{3}/); // English stays English
    }
    const r = reportStrings('ru');
    texts.push(...Object.values(r).flatMap((v) => (typeof v === 'string' ? [v] : Array.isArray(v) ? v : typeof v === 'function' ? [v(1), v(3)] : Object.values(v as Record<string, string>))));
    const english = texts.filter((s) => /[A-Za-z]{2}/.test(s.replace(/Vantage/g, '')));
    expect(english).toEqual([]);
  });

  it('a scheduled report CSV names every column in Russian (one cell each) and stays as the API writes it in English', () => {
    const counts = { entries: 1, exits: 2, crossings_in: 3, crossings_out: 4, arrivals: 4 };
    const change = Object.fromEntries(Object.keys(counts).map((k) => [k, { abs: 1, pct: 10 }]));
    const body = {
      timeline: [{ time: '2026-12-01T10:00:00.000Z', tracks: 3, visitors: 2, entries: 1, exits: 2, crossings_in: 3, crossings_out: 4, max_occupancy: 2, coverage: 1, low_coverage: false }],
      time_zone: 'Europe/Berlin',
      totals: counts,
      comparisons: [{ kind: 'previous', weeks_back: null, from: 'a', to: 'b', totals: counts, change }],
      peak_hour: { local: '10:00', from: 'a', arrivals: 3 },
      busiest_zone: { camera: 'c', zone: 'z', entries: 1 },
      day_hour: { metric: 'arrivals', weekdays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'], average: Array.from({ length: 7 }, () => new Array(24).fill(1)), slots: [], days: [] },
    } as unknown as ReportBody;
    const csv = timelineCsv(body);
    const headers = (text: string) => text.split('\n\n').map((b) => b.split('\n')[0]!);
    expect(headers(csv).length).toBe(5); // timeline, totals, comparisons, peak, weekday × hour
    expect(csvWithHeadersIn('en', csv)).toBe(csv);
    const ru = csvWithHeadersIn('ru', csv);
    expect(headers(ru).filter((h) => /[A-Za-z]/.test(h))).toEqual([]);
    expect(headers(ru).map((h) => h.split(',').length)).toEqual(headers(csv).map((h) => h.split(',').length));
    expect(ru.split('\n').filter((l) => !headers(ru).includes(l))).toEqual(csv.split('\n').filter((l) => !headers(csv).includes(l))); // the rows as they were
  });
});
