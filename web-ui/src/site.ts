import { useEffect, useState } from 'preact/hooks';
import { api, call } from './api/client';
import type { Settings } from './api/types';
import { isTimeZone } from '../../appliance/src/util/time-zone.js';

/** The site's time zone once known ('' when the site has none or this browser does not know it). */
let zone: string | undefined;
let asked: Promise<void> | undefined;
const listeners = new Set<(tz: string) => void>();

/**
 * Sets the site's time zone (settings.timezone) — the signed-in frame does when the settings arrive or
 * an admin saves them — and re-renders every page that writes times.
 */
export function setSiteTimeZone(tz: string | undefined): void {
  const z = validZone(tz);
  if (z === zone) return;
  zone = z;
  for (const l of listeners) l(z);
}

/** The site's time zone as last known, outside components ('' when not known or none). */
export function siteTimeZone(): string {
  return zone ?? '';
}

/**
 * The site's time zone (settings.timezone, IANA); '' until known or when the site has none (then the
 * browser's own zone applies). Asks the API once when nothing has set it yet.
 */
export function useSiteTimeZone(): string {
  const [tz, setTz] = useState(zone ?? '');
  useEffect(() => {
    listeners.add(setTz);
    if (zone === undefined) {
      asked ??= call<Settings>(api.GET('/api/v1/settings')).then(
        (s) => setSiteTimeZone(s.timezone),
        () => {
          asked = undefined;
        },
      );
    } else setTz(zone);
    return () => {
      listeners.delete(setTz);
    };
  }, []);
  return tz;
}

function validZone(tz: string | undefined): string {
  return tz && isTimeZone(tz) ? tz : '';
}
