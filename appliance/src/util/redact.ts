/**
 * Credentials out of text before it is logged or shown: in every URL found in a string (a config
 * value, an ffmpeg error line, a log message), the user info (`rtsp://admin:p@ss@host/` →
 * `rtsp://***:***@host/`, up to the last "@" of the URL, so a password holding "@" goes too) and the
 * value of every query parameter whose key looks secret (`?user=…&pwd=…` → `?user=***&pwd=***`).
 * Redacting too much (a path holding "@") is accepted; leaking is not.
 */

/** Query keys whose values are hidden (matched anywhere in the key, case-insensitive). */
const SECRET_QUERY_KEY = /user|login|pwd|pass|token|key|auth|secret|sig|cred|session|sid$|otp|pin$|code$/i;

/** A URL in text: a scheme, "://", and everything up to white space, a quote or an angle bracket. */
const URL_IN_TEXT = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s"'<>`]*)/gi;

/** Removes credentials from every URL in `value` (the whole string or text containing URLs). */
export function redactUrl(value: string): string {
  return value.replace(URL_IN_TEXT, (_m, scheme: string, rest: string) => scheme + redactRest(rest));
}

function redactRest(rest: string): string {
  let out = rest;
  const at = out.lastIndexOf('@');
  if (at >= 0) {
    const cred = out.slice(0, at);
    out = `${cred.includes(':') ? '***:***' : '***'}${out.slice(at)}`;
  }
  const q = out.search(/[?#;&]/);
  if (q < 0) return out;
  return out.slice(0, q) + out.slice(q).replace(/([?#;&])([^=&;#?]*)=([^&;#]*)/g, (m, sep: string, key: string) => (SECRET_QUERY_KEY.test(safeDecode(key)) ? `${sep}${key}=***` : m));
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * The secrets of one URL (user info, secret query values; raw and percent-decoded), so text that
 * echoes them without the URL around them (an ffmpeg error quoting a parameter) can be cleaned too.
 */
export function secretsOf(url: string): string[] {
  const found = new Set<string>();
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^\s]*)$/i.exec(url);
  if (!m) return [];
  const rest = m[1]!;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const cred = rest.slice(0, at);
    const colon = cred.indexOf(':');
    for (const part of colon >= 0 ? [cred, cred.slice(0, colon), cred.slice(colon + 1)] : [cred]) found.add(part).add(safeDecode(part));
  }
  for (const pm of rest.matchAll(/[?&;]([^=&;#?]*)=([^&;#]*)/g)) {
    if (SECRET_QUERY_KEY.test(safeDecode(pm[1]!))) found.add(pm[2]!).add(safeDecode(pm[2]!));
  }
  // Very short values (a user called "a") would blank out unrelated text; URLs redact them anyway.
  return [...found].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
}

/** `text` with URL credentials redacted and every secret of `urls` replaced by ***, wherever it appears. */
export function redactText(text: string, urls: ReadonlyArray<string | undefined | null> = []): string {
  let out = redactUrl(text);
  for (const url of urls) {
    if (!url) continue;
    for (const secret of secretsOf(url)) out = out.split(secret).join('***');
  }
  return out;
}

const SECRET_KEY = /pass(word)?|secret|token|api_?key|private_?key/i;

/** Deep copy of a config-like value with secret-named keys and URL credentials redacted. */
export function redactSecrets<T>(value: T): T {
  const walk = (v: unknown, key?: string): unknown => {
    if (key !== undefined && SECRET_KEY.test(key) && v !== undefined && v !== null && v !== '') return '[redacted]';
    if (typeof v === 'string') return redactUrl(v);
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    }
    return v;
  };
  return walk(value) as T;
}
