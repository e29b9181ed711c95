import { ApiFailure } from '../api/client';
import { en, type Key } from './en';
import { translator, type Lang } from './i18n';
import { known } from './known';

/**
 * An API error in the page's language (issue 19, fault 8). The daemon answers `{ error: { code,
 * message, fields } }` with an English message; the dashboard shows the locale's text for the code
 * (`error.<CODE>`, every code the API can return has one: appliance/test/i18n-keys.test.ts) and names
 * the fields at fault (`field.<name>` where the locale has it, else the API's name). English pages keep the daemon's own message, which says more than the code; the
 * server's message is shown elsewhere only for a code this dashboard does not know.
 */
export function localizedError(e: unknown, lang: Lang = pageLang()): string {
  if (e instanceof ApiFailure) {
    if (lang === 'en') return e.describe();
    const t = translator(lang);
    const key = errorKey(e.code);
    if (!key) return e.describe();
    const what = t(key, { status: e.status });
    const fields = [...new Set(e.fields.map((f) => known(t, 'field.', f.field)).filter(Boolean))];
    return fields.length ? t('error.fields', { message: what, fields: fields.join(', ') }) : what;
  }
  // fetch() rejects with a TypeError when the daemon cannot be reached.
  if (e instanceof TypeError && lang !== 'en') return translator(lang)('error.network');
  return e instanceof Error ? e.message : String(e);
}

/** The locale key of an API error code: `error.<CODE>`, `error.http` for a bare HTTP status, else none. */
export function errorKey(code: string): Key | undefined {
  const key = `error.${code}`;
  if (key in en) return key as Key;
  return /^HTTP_\d{3}$/.test(code) ? 'error.http' : undefined;
}

/** The language the I18nProvider set on the page (errors are worded where no hook reaches). */
function pageLang(): Lang {
  return typeof document !== 'undefined' && document.documentElement.lang === 'ru' ? 'ru' : 'en';
}
