import { useEffect, useState } from 'preact/hooks';
import type { Settings } from './api/types';
import { LANGS, useI18n, type Lang } from './i18n/i18n';
import type { Key } from './i18n/en';
import { live, useLive, type LiveState } from './live/live-socket';
import { link, navigate, useRoute } from './router';
import { useSession } from './session';
import { valueOf } from './components/ui';
import { CamerasPage } from './pages/cameras';
import { CameraPage } from './pages/camera';
import { AnalyticsPage } from './pages/analytics';
import { ReportPage } from './pages/report';
import { SessionsPage } from './pages/sessions';
import { SessionPage } from './pages/session'; // issue 19 (h19sess)
import { EventsPage } from './pages/events';
import { AlertsPage } from './pages/alerts';
import { SystemPage } from './pages/system';
import { UsersPage } from './pages/users';
import { AccountPage } from './pages/account';
import { AuditPage, AuditsPage } from './pages/audits';
import { AuditPlayerPage } from './pages/audit-player';
import { ReviewPage, reviewProps } from './pages/review';

const NAV: Array<{ id: string; key: Key; admin?: boolean }> = [
  { id: 'cameras', key: 'nav.cameras' },
  { id: 'analytics', key: 'nav.analytics' },
  { id: 'sessions', key: 'nav.sessions' },
  { id: 'audits', key: 'nav.audits' },
  { id: 'events', key: 'nav.events' },
  { id: 'alerts', key: 'nav.alerts' },
  { id: 'system', key: 'nav.system' },
  { id: 'users', key: 'nav.users', admin: true },
];

/**
 * The live-events connection as the top bar shows it. The bar keeps the connection open on every page
 * (camera status is cheap), so a grey dot no longer means "this page needs no live data" but is
 * never seen while signed in; amber is a real loss of the connection.
 */
function LiveIndicator() {
  const { t } = useI18n();
  const [state, setState] = useState<LiveState>(live.state);
  useEffect(() => live.onState(setState), []);
  useLive(['camera.status'], undefined, () => undefined);
  return (
    <span class={`live-dot live-${state}`} title={t('live.state', { state: t(`live.${state}`) })} data-live={state}>
      <span aria-hidden="true">●</span> {t('live.label')}
    </span>
  );
}

/** The signed-in frame: header with navigation, language and user; the page of the current route. */
export function Layout(props: { settings: Settings | undefined; onSettings(s: Settings): void }) {
  const { t, lang, setLang } = useI18n();
  const session = useSession();
  const route = useRoute();
  const [menuOpen, setMenuOpen] = useState(false);
  const section = route.parts[0] ?? '';
  useEffect(() => {
    if (!section) navigate(link('cameras'));
    setMenuOpen(false);
  }, [section, route.parts[1]]);
  useEffect(() => {
    document.title = props.settings?.site_name ? `${props.settings.site_name} · Vantage` : 'Vantage';
  }, [props.settings?.site_name]);

  const id = route.parts[1];
  let page;
  switch (section) {
    case 'cameras':
      page = id ? <CameraPage id={id} key={id} /> : <CamerasPage />;
      break;
    case 'analytics':
      page = <AnalyticsPage />;
      break;
    case 'reports':
      page = id ? <ReportPage id={id} key={id} /> : <AnalyticsPage />;
      break;
    case 'sessions':
      page = id ? <SessionPage id={id} key={id} /> : <SessionsPage />;
      break;
    case 'audits':
      page =
        id === 'new' ? (
          <AuditPlayerPage session={route.query.get('session') ?? ''} line={route.query.get('line') ?? ''} key={`${route.query.get('session')}:${route.query.get('line')}`} />
        ) : id ? (
          <AuditPage id={id} key={id} />
        ) : (
          <AuditsPage />
        );
      break;
    case 'events':
      page = <EventsPage />;
      break;
    case 'alerts':
      page = <AlertsPage />;
      break;
    // Review of recordings (issue 17): #/review/<camera>[?event=<id>|notification=<id>&at=<ms>]
    case 'review':
      page = id ? <ReviewPage {...reviewProps(id, route.query)} key={`${id}?${route.query.toString()}`} /> : null;
      break;
    case 'system':
      page = <SystemPage settings={props.settings} onSettings={props.onSettings} />;
      break;
    case 'account':
      page = <AccountPage />;
      break;
    case 'users':
      page = session.isAdmin ? <UsersPage /> : <p class="error">{t('common.forbidden')}</p>;
      break;
    default:
      page = null;
  }
  const active = section === 'reports' ? 'analytics' : section;
  const name = session.me.kind === 'user' ? session.me.username : session.me.name;
  const role = session.me.kind === 'user' ? t(`role.${session.me.role}`) : t('role.key');
  return (
    <div class="shell">
      <header class="topbar">
        <a class="brand" href={link('cameras')}>
          <span class="brand-mark" aria-hidden="true" />
          Vantage
          {props.settings?.site_name && <span class="site-name">{props.settings.site_name}</span>}
        </a>
        <button class="menu-toggle" type="button" aria-expanded={menuOpen} aria-label={t('nav.menu')} onClick={() => setMenuOpen(!menuOpen)}>
          ☰
        </button>
        <nav class={menuOpen ? 'nav open' : 'nav'} aria-label={t('nav.main')}>
          {NAV.filter((n) => !n.admin || session.isAdmin).map((n) => (
            <a href={link(n.id)} class={active === n.id ? 'active' : ''} aria-current={active === n.id ? 'page' : undefined} key={n.id} data-nav={n.id}>
              {t(n.key)}
            </a>
          ))}
        </nav>
        <div class="topbar-right">
          <LiveIndicator />
          <select class="lang-select" aria-label={t('nav.language')} value={lang} onChange={(e) => setLang(valueOf(e) as Lang)} data-testid="language">
            {Object.entries(LANGS).map(([k, v]) => (
              <option value={k} key={k}>
                {v}
              </option>
            ))}
          </select>
          <a class="whoami" href={link('account')} data-testid="whoami" title={t('account.title')}>
            {name} <span class="muted">({role})</span>
          </a>
          <button type="button" class="link-button" onClick={session.logout} data-testid="logout">
            {t('nav.logout')}
          </button>
        </div>
      </header>
      <main class="content">{page}</main>
    </div>
  );
}
