import { useEffect, useState } from 'preact/hooks';
import { api, call } from './api/client';
import type { Settings } from './api/types';

let cached: Promise<string> | undefined;

/**
 * The site's time zone (settings.timezone, IANA), asked once per page load; '' until known or when the
 * site has none (then the browser's own zone applies).
 */
export function useSiteTimeZone(): string {
  const [tz, setTz] = useState('');
  useEffect(() => {
    cached ??= call<Settings>(api.GET('/api/v1/settings')).then((s) => validZone(s.timezone), () => '');
    let live = true;
    void cached.then((z) => live && setTz(z));
    return () => {
      live = false;
    };
  }, []);
  return tz;
}

function validZone(tz: string | undefined): string {
  if (!tz) return '';
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return tz;
  } catch {
    return '';
  }
}
