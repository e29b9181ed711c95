import { en, type MessageKey } from './en.js';
import { ru } from './ru.js';

/** The languages the appliance writes messages in (settings.language). */
export type Language = 'en' | 'ru';

const TABLES: Readonly<Record<Language, Readonly<Record<MessageKey, string>>>> = { en, ru };

/** The locale's text for `key` with its {placeholders} filled in. */
export function message(lang: Language, key: MessageKey, vars: Readonly<Record<string, string | number>> = {}): string {
  return (TABLES[lang][key] ?? en[key]).replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}
