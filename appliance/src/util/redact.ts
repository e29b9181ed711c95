/** Removes credentials from URLs (rtsp://user:pass@host → rtsp://***:***@host) before they are logged or served. */
export function redactUrl(value: string): string {
  return value.replace(/([a-z][a-z0-9+.-]*:\/\/)([^/@\s]+)@/gi, (_m, scheme: string, cred: string) =>
    `${scheme}${cred.includes(':') ? '***:***' : '***'}@`,
  );
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
