import { createContext, type ComponentChildren } from 'preact';
import { useContext, useMemo } from 'preact/hooks';
import { en, type Key } from './en';
import { ru } from './ru';

export type Lang = 'en' | 'ru';
export const LANGS: Record<Lang, string> = { en: 'English', ru: 'Русский' };
const TABLES: Record<Lang, Record<Key, string>> = { en, ru };
const STORAGE_KEY = 'vantage.lang';

export type T = (key: Key, vars?: Record<string, string | number>) => string;

/** The language this browser chose, if any. */
export function storedLang(): Lang | undefined {
  const v = localStorage.getItem(STORAGE_KEY);
  return v === 'en' || v === 'ru' ? v : undefined;
}

export function storeLang(lang: Lang): void {
  localStorage.setItem(STORAGE_KEY, lang);
}

/** Before the site's setting is known: the stored choice, else the browser's language. */
export function initialLang(): Lang {
  return storedLang() ?? (navigator.language.toLowerCase().startsWith('ru') ? 'ru' : 'en');
}

export function translator(lang: Lang): T {
  const table = TABLES[lang];
  return (key, vars) => {
    let s = table[key] ?? en[key];
    if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
    return s;
  };
}

interface I18n {
  lang: Lang;
  t: T;
  setLang(lang: Lang): void;
  /** Numbers in the chosen language (times: format.ts, in the site's time zone). */
  fmtNum(n: number, digits?: number): string;
  /** A detector class name in the chosen language (as the model names it when the locale has none). */
  tc(cls: string): string;
}

const Ctx = createContext<I18n>({
  lang: 'en',
  t: translator('en'),
  setLang: () => undefined,
  fmtNum: (n) => String(n),
  tc: (c) => c,
});

/** A class name through the locale files: `class.<name>`, else the name itself. */
export function className(t: T, cls: string): string {
  const key = `class.${cls}` as Key;
  return key in en ? t(key) : cls;
}

export function I18nProvider(props: { lang: Lang; setLang(lang: Lang): void; children: ComponentChildren }) {
  const { lang, setLang } = props;
  const value = useMemo<I18n>(() => {
    const locale = lang === 'ru' ? 'ru-RU' : 'en-GB';
    return {
      lang,
      t: translator(lang),
      setLang,
      fmtNum: (n, digits = 0) => n.toLocaleString(locale, { maximumFractionDigits: digits, minimumFractionDigits: 0 }),
      tc: (cls) => className(translator(lang), cls),
    };
  }, [lang, setLang]);
  document.documentElement.lang = lang;
  return <Ctx.Provider value={value}>{props.children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  return useContext(Ctx);
}
