import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, call, hasSession, onSessionExpired } from './api/client';
import type { Me, Settings } from './api/types';
import { I18nProvider, initialLang, storedLang, storeLang, type Lang } from './i18n/i18n';
import { live } from './live/live-socket';
import { Layout } from './layout';
import { SignIn } from './pages/sign-in';
import { sessionOf, SessionCtx } from './session';
import { Loading } from './components/ui';
import { errorText } from './data';

type AuthState = { kind: 'loading' } | { kind: 'setup'; codeFile: string | null } | { kind: 'login' } | { kind: 'in'; me: Me; settings: Settings | undefined } | { kind: 'down'; error: string };

export function App() {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const [auth, setAuth] = useState<AuthState>({ kind: 'loading' });

  const setLang = useCallback((l: Lang) => {
    storeLang(l);
    setLangState(l);
  }, []);

  const boot = async () => {
    try {
      const status = await call<{ setup_required: boolean; setup_code_file?: string | null }>(api.GET('/api/v1/auth/status'));
      if (status.setup_required) return setAuth({ kind: 'setup', codeFile: status.setup_code_file ?? null });
      // No CSRF cookie means no login in this browser: straight to the form, no 401 round trip.
      if (!hasSession()) return setAuth({ kind: 'login' });
      const me = await call<Me>(api.GET('/api/v1/auth/me'));
      const settings = await call<Settings>(api.GET('/api/v1/settings')).catch(() => undefined);
      // The site's language is the default until this browser picks one.
      if (settings && !storedLang()) setLangState(settings.language);
      setAuth({ kind: 'in', me, settings });
    } catch (e) {
      if (!hasSession()) setAuth({ kind: 'login' });
      else setAuth({ kind: 'down', error: errorText(e) });
    }
  };

  useEffect(() => {
    void boot();
    return onSessionExpired(() => {
      live.disconnect();
      setAuth({ kind: 'login' });
    });
  }, []);

  const logout = async () => {
    live.disconnect();
    await api.POST('/api/v1/auth/logout', { body: {} }).catch(() => undefined);
    setAuth({ kind: 'login' });
  };

  let page;
  switch (auth.kind) {
    case 'loading':
      page = <Loading />;
      break;
    case 'setup':
    case 'login':
      page = <SignIn setup={auth.kind === 'setup'} setupCodeFile={auth.kind === 'setup' ? auth.codeFile : null} onDone={() => void boot()} key={auth.kind} />;
      break;
    case 'down':
      page = (
        <main class="signin">
          <p class="error">{auth.error}</p>
          <button onClick={() => void boot()}>↻</button>
        </main>
      );
      break;
    case 'in':
      page = (
        <SessionCtx.Provider value={sessionOf(auth.me, () => void logout())}>
          <Layout settings={auth.settings} onSettings={(s) => setAuth({ ...auth, settings: s })} />
        </SessionCtx.Provider>
      );
  }
  return (
    <I18nProvider lang={lang} setLang={setLang}>
      {page}
    </I18nProvider>
  );
}
