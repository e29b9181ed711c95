import { en, type Key } from './en';
import type { T } from './i18n';

/**
 * A value the daemon names with a word of its own (a provider, a scope, a delivery state) through the
 * locale files: `<prefix><value>` when the locale has that key, else the value as the daemon wrote it.
 */
export function known(t: T, prefix: string, value: string, otherwise = value): string {
  const key = `${prefix}${value}`;
  return key in en ? t(key as Key) : otherwise;
}
