import { z } from 'zod';
import type { Clock } from './clock.js';
import type { KeyValue } from './store/key-value.js';
import { isTimeZone } from './util/time-zone.js';

/** Settings an admin changes at run time (the config file holds what needs a restart). */
export const settingsSchema = z.strictObject({
  /** Language of alert messages and the dashboard's default. */
  language: z.enum(['en', 'ru']).default('en'),
  /** A display name for the site, shown on the dashboard and in alerts. */
  site_name: z.string().trim().max(100).default(''),
  /** IANA time zone for quiet hours and report labels; empty = the box's own. */
  timezone: z
    .string()
    .max(64)
    .refine((tz) => tz === '' || isTimeZone(tz), 'unknown IANA time zone')
    .default(''),
});
export type Settings = z.infer<typeof settingsSchema>;
export const settingsPatchSchema = settingsSchema.partial();

const KEY = 'app.settings';

/** Run-time settings kept in the settings table as one JSON document, validated on read and write. */
export class SettingsService {
  private current: Settings;
  private readonly listeners = new Set<(s: Settings) => void>();

  constructor(
    private readonly store: KeyValue,
    private readonly clock: Clock,
  ) {
    const stored = store.setting(KEY);
    const parsed = settingsSchema.safeParse(stored ? JSON.parse(stored) : {});
    this.current = parsed.success ? parsed.data : settingsSchema.parse({});
  }

  get(): Settings {
    return this.current;
  }

  update(patch: z.infer<typeof settingsPatchSchema>): Settings {
    const next = settingsSchema.parse({ ...this.current, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) });
    this.store.putSetting(KEY, JSON.stringify(next), this.clock.now());
    this.current = next;
    for (const l of this.listeners) l(next);
    return next;
  }

  onChange(fn: (s: Settings) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
