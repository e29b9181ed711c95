import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { alertMessage, type FiringDetails } from '../src/alerts/messages.js';
import type { AlertRule } from '../src/alerts/rules.js';
import { ROOT } from './helpers.js';
import { localeTable } from './locale-table.js';

const en = localeTable(join(ROOT, 'web-ui/src/i18n/en.ts'));
const ru = localeTable(join(ROOT, 'web-ui/src/i18n/ru.ts'));

// Issue 19, fault 8: every string the dashboard shows and every message the appliance sends comes
// from the locale files. These fail on a key missing from a locale, on an untranslated value, and on
// a literal word in the dashboard's markup that does not go through t().

/** Names that read the same in every language (products, protocols, examples in placeholders). */
const SAME_EVERYWHERE = new Set(['Telegram', 'MQTT', 'Vantage', 'WebRTC', 'MPEG-1', 'JSMpeg', 'ONNX', 'CSV', 'JSON', 'API', 'fps', 'IoU', '/metrics', 'Europe/Berlin', 'XXXX-XXXX-XXXX', '123456:ABC…', '/srv/video/clip.mp4', 'English', 'Русский']);
/** Words a Russian text may keep: keys on the keyboard, file types, standards, config values people type as written. */
const KEPT_WORDS = new Set(['ts', 'id', 'JS', 'JSON', 'Enter', 'Esc', 'Delete', 'Backspace', 'mp4', 'mkv', 'avi', 'IANA', 'BotFather', 'ABC', 'person', 'car', 'fps', 'MQTT', 'Telegram', 'Vantage', 'CSV', 'API', 'WebRTC', 'MPEG', 'JSMpeg', 'English', 'IoU']);
// h19i18n: programs, protocols and processors named in error texts and on the system page.
for (const w of ['ffmpeg', 'HTTP', 'CPU', 'CUDA', 'TensorRT', 'TLS']) KEPT_WORDS.add(w);
/** The words of a text outside `commands` and {placeholders}. */
const words = (s: string) => s.replace(/`[^`]*`/g, '').replace(/\{\w+\}/g, '').replace(/[^A-Za-z0-9]+/g, ' ').trim();

function tsxFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? tsxFiles(p) : p.endsWith('.tsx') ? [p] : [];
  });
}

/** Literal text in JSX (text nodes, string attributes people read, string children) with a letter in it. */
function literalUiStrings(file: string): string[] {
  const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const where = (n: ts.Node) => `${relative(ROOT, file)}:${src.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
  const check = (n: ts.Node, text: string) => {
    const t = text.trim();
    if (/[A-Za-zА-Яа-яЁё]/.test(t) && !SAME_EVERYWHERE.has(t)) found.push(`${where(n)} ${JSON.stringify(t)}`);
  };
  const visit = (n: ts.Node) => {
    if (ts.isJsxText(n)) check(n, n.text);
    else if (ts.isJsxAttribute(n) && n.initializer && ts.isStringLiteral(n.initializer) && ['title', 'placeholder', 'aria-label', 'alt', 'label'].includes(n.name.getText())) check(n, n.initializer.text);
    else if (ts.isJsxExpression(n) && n.expression && (ts.isStringLiteral(n.expression) || ts.isNoSubstitutionTemplateLiteral(n.expression)) && ts.isJsxElement(n.parent)) check(n, n.expression.text);
    ts.forEachChild(n, visit);
  };
  visit(src);
  return found;
}

describe('locale files', () => {
  it('Russian has every English key, none empty, with the same {placeholders}', () => {
    const enKeys = Object.keys(en);
    expect(enKeys.length).toBeGreaterThan(300); // the parser read the table
    const ruTable = ru as Record<string, string>;
    expect(enKeys.filter((k) => !(k in ruTable)), 'keys missing from ru.ts').toEqual([]);
    expect(Object.keys(ruTable).filter((k) => !(k in en)), 'keys only in ru.ts').toEqual([]);
    expect(enKeys.filter((k) => !ruTable[k]?.trim()), 'empty values').toEqual([]);
    const vars = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    expect(enKeys.filter((k) => JSON.stringify(vars(en[k]!)) !== JSON.stringify(vars(ruTable[k]!))), 'placeholders differ').toEqual([]);
  });

  it('Russian values are translated (no English words left, apart from names)', () => {
    const ruTable = ru as Record<string, string>;
    const english = Object.keys(en).filter((k) => words(ruTable[k]!).split(' ').some((w) => /[A-Za-z]{2}/.test(w) && !KEPT_WORDS.has(w)));
    expect(english.map((k) => `${k}: ${ruTable[k]}`)).toEqual([]);
  });

  it('the dashboard has no literal words outside the locale files', () => {
    const found = tsxFiles(join(ROOT, 'web-ui/src')).flatMap(literalUiStrings);
    expect(found).toEqual([]);
  });

  it('every class of the bundled models has a name in both locales', () => {
    const classes = readFileSync(join(ROOT, 'models/yolox-nano/coco_labels.txt'), 'utf8').split('\n').map((s) => s.trim()).filter(Boolean);
    const ruTable = ru as Record<string, string>;
    expect(classes.filter((c) => !(`class.${c}` in en) || !ruTable[`class.${c}`]), 'classes without a locale key').toEqual([]);
  });

  it('Telegram messages in Russian name every class of the bundled models in Russian', () => {
    const classes = readFileSync(join(ROOT, 'models/yolox-nano/coco_labels.txt'), 'utf8').split('\n').map((s) => s.trim()).filter(Boolean);
    const rule = { id: 'r', name: 'Правило', type: 'presence', zone: 'z', class: 'x', during: { from: '22:00', to: '06:00' } } as unknown as AlertRule;
    const untranslated = classes.filter((c) => {
      const d: FiringDetails = { camera: 'c', cameraName: 'Двор', zone: 'Вход', className: c };
      return /[A-Za-z]/.test(alertMessage(rule, d, 'ru', 'Склад'));
    });
    expect(untranslated).toEqual([]);
  });
});
