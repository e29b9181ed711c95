import type { Overview, OverviewCamera } from '../api/types';
import { Card } from '../components/ui';
import { useI18n } from '../i18n/i18n';
import { formatter } from '../format';
import { GaugeList, type GaugeItem, type QueueItem } from './capacity-gauge';

/**
 * The home page's figures of issue 18 (GET /api/v1/overview): today so far against the same local time
 * last week (in / out, absolute and % change), now vs. capacity and queues now, for the site and per
 * camera. Numbers and times in the page's language; times in the site's time zone.
 */
type Compare = OverviewCamera['compare'];
type Capacity = OverviewCamera['capacity'][number];

function useFormats() {
  const { lang, fmtNum } = useI18n();
  const locale = lang === 'ru' ? 'ru-RU' : 'en-GB';
  return {
    fmtNum,
    signed: (n: number) => n.toLocaleString(locale, { signDisplay: 'exceptZero', maximumFractionDigits: 0 }),
    percent: (pct: number) => (pct / 100).toLocaleString(locale, { style: 'percent', signDisplay: 'exceptZero', maximumFractionDigits: 1 }),
    // Times through format.ts, in the zone the overview names (the site's).
    time: (iso: string, tz: string, withDay: boolean) => formatter(lang, tz).fmtHourMinute(iso, withDay),
  };
}

/** The change of one direction: "+3" over "+33.3 %" (– when last week had none). */
function ChangeCell(props: { change: Compare['change']['in']; dir: 'in' | 'out' }) {
  const f = useFormats();
  return (
    <td class="compare-change" data-change={props.change.abs > 0 ? 'up' : props.change.abs < 0 ? 'down' : 'same'}>
      <span data-testid={`change-${props.dir}`}>{f.signed(props.change.abs)}</span> <small data-testid={`change-${props.dir}-pct`}>{props.change.pct === null ? '–' : f.percent(props.change.pct)}</small>
    </td>
  );
}

/** In / out of today (unless `today` is false), the same time last week, and the change. */
export function CompareTable(props: { compare: Compare; today: boolean; testid: string }) {
  const { t } = useI18n();
  const { fmtNum } = useFormats();
  const c = props.compare;
  return (
    <table class="compare" data-testid={props.testid}>
      <thead>
        <tr>
          <th />
          <th scope="col">{t('home.in')}</th>
          <th scope="col">{t('home.out')}</th>
        </tr>
      </thead>
      <tbody>
        {props.today && (
          <tr>
            <th scope="row">{t('home.today')}</th>
            <td data-testid="today-in">{fmtNum(c.today.in)}</td>
            <td data-testid="today-out">{fmtNum(c.today.out)}</td>
          </tr>
        )}
        <tr>
          <th scope="row">{t('home.lastWeek')}</th>
          <td data-testid="week-in">{fmtNum(c.last_week.in)}</td>
          <td data-testid="week-out">{fmtNum(c.last_week.out)}</td>
        </tr>
        <tr>
          <th scope="row">{t('home.change')}</th>
          <ChangeCell change={c.change.in} dir="in" />
          <ChangeCell change={c.change.out} dir="out" />
        </tr>
      </tbody>
    </table>
  );
}

export function gaugeItems(list: readonly Capacity[], prefix: string): GaugeItem[] {
  return list.map((g) => ({ key: `${prefix}-${g.id}`, label: g.name, occupancy: g.occupancy, capacity: g.capacity, percent: g.percent }));
}

export function queueItems(list: OverviewCamera['queues']): QueueItem[] {
  return list.map((q) => ({ key: `q-${q.id}`, label: q.name, length: q.length, waitSeconds: q.estimated_wait_seconds }));
}

/** The site's card above the camera tiles: the windows compared, the totals and the areas now. */
export function SiteFigures(props: { overview: Overview }) {
  const { t } = useI18n();
  const f = useFormats();
  const o = props.overview;
  const w = o.windows;
  return (
    <Card class="site-figures" testid="site-figures">
      <h2>{t('home.site')}</h2>
      <p class="muted small" data-testid="site-windows">
        {t('home.windows', {
          today: `${f.time(w.today_from, o.timezone, false)}–${f.time(w.today_to, o.timezone, false)}`,
          week: `${f.time(w.last_week_from, o.timezone, true)}–${f.time(w.last_week_to, o.timezone, false)}`,
        })}
      </p>
      <div class="site-figures-body">
        <CompareTable compare={o.site.compare} today testid="site-compare" />
        <GaugeList gauges={gaugeItems(o.site.capacity, 'a')} queues={[]} testid="site-capacity" />
      </div>
    </Card>
  );
}

/** A camera tile's part: last week and the change (today is the tile's own figure), its zones' gauges and queues. */
export function CameraFigures(props: { overview: OverviewCamera }) {
  const o = props.overview;
  return (
    <div class="camera-figures">
      <CompareTable compare={o.compare} today={false} testid="tile-compare" />
      <GaugeList gauges={gaugeItems(o.capacity, 'z')} queues={queueItems(o.queues)} testid="tile-capacity" />
    </div>
  );
}
