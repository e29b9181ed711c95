import { en, type Key } from '../i18n/en';
import { useI18n, type Lang, type T } from '../i18n/i18n';

type Params = Record<string, string | number> | null | undefined;

/**
 * A diagnostic (a camera's last error, a failed session, a Telegram refusal) in the page's language:
 * the daemon classifies the raw text into a code and its figures (appliance/src/sources/
 * source-diagnostic.ts, sync/telegram-client.ts), worded here as `diag.<code>`, or `diag.<code>.bare`
 * when a figure the sentence names is not known. A code this dashboard does not know, or `other`,
 * reads the raw text on an English page and a generic sentence elsewhere.
 */
export function diagnosticText(t: T, lang: Lang, code: string | null | undefined, params: Params, detail: string): string {
  const key = `diag.${code ?? 'other'}`;
  if (!code || code === 'other' || !(key in en)) return lang === 'en' ? detail : t('diag.other');
  const p = params ?? {};
  const bare = `${key}.bare`;
  const needs = [...en[key as Key].matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  return t((needs.some((n) => p[n] === undefined) && bare in en ? bare : key) as Key, p);
}

/** The sentence, with the raw text (ffmpeg's line, Telegram's words) one click away for the expert. */
export function Diagnostic(props: { code: string | null | undefined; params: Params; detail: string; class?: string }) {
  const { t, lang } = useI18n();
  const text = diagnosticText(t, lang, props.code, props.params, props.detail);
  return (
    <div class={`diagnostic ${props.class ?? ''}`} data-diag={props.code ?? 'other'}>
      <span class="diag-text">{text}</span>
      {text !== props.detail && (
        <details class="diag-detail">
          <summary>{t('diag.detail')}</summary>
          <code>{props.detail}</code>
        </details>
      )}
    </div>
  );
}
