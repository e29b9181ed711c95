import { useState } from 'preact/hooks';
import { api, ApiFailure, call } from '../api/client';
import { ErrorBox, Field, valueOf } from '../components/ui';
import { errorText } from '../data';
import { LANGS, useI18n, type Lang } from '../i18n/i18n';

/**
 * First-run setup (creates the admin, with the one-time setup code from the daemon's log or
 * `vantage setup-code`) or login; both ask the daemon for cookies.
 */
export function SignIn(props: { setup: boolean; setupCodeFile?: string | null; onDone(): void }) {
  const { t, lang, setLang } = useI18n();
  const [username, setUsername] = useState(props.setup ? 'admin' : '');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [setupCode, setSetupCode] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    if (props.setup && password !== confirm) return setError(t('auth.mismatch'));
    setBusy(true);
    try {
      const body = { username: username.trim(), password, use_cookies: true };
      await call(props.setup ? api.POST('/api/v1/auth/setup', { body: { ...body, setup_code: setupCode.trim() } }) : api.POST('/api/v1/auth/login', { body }));
      props.onDone();
    } catch (err) {
      if (err instanceof ApiFailure && err.status === 401) setError(t('auth.wrong'));
      else if (props.setup && err instanceof ApiFailure && err.status === 403) setError(t('auth.setupCodeWrong'));
      else setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="signin">
      <form class="card signin-card" onSubmit={submit} data-testid={props.setup ? 'setup-form' : 'login-form'}>
        <div class="brand brand-large">
          <span class="brand-mark" aria-hidden="true" />
          Vantage
        </div>
        <h1>{props.setup ? t('auth.setupTitle') : t('auth.loginTitle')}</h1>
        {props.setup && <p class="muted">{t('auth.setupHint')}</p>}
        {props.setup && (
          <Field label={t('auth.setupCode')} hint={props.setupCodeFile ? t('auth.setupCodeWhereFile', { file: props.setupCodeFile }) : t('auth.setupCodeWhere')}>
            <input name="setup_code" autocomplete="one-time-code" spellcheck={false} required placeholder="XXXX-XXXX-XXXX" value={setupCode} onInput={(e) => setSetupCode(valueOf(e))} />
          </Field>
        )}
        <Field label={t('auth.username')}>
          <input name="username" autocomplete="username" required value={username} onInput={(e) => setUsername(valueOf(e))} />
        </Field>
        <Field label={t('auth.password')} hint={props.setup ? t('auth.passwordHint') : undefined}>
          <input name="password" type="password" autocomplete={props.setup ? 'new-password' : 'current-password'} required value={password} onInput={(e) => setPassword(valueOf(e))} />
        </Field>
        {props.setup && (
          <Field label={t('auth.confirm')}>
            <input name="confirm" type="password" autocomplete="new-password" required value={confirm} onInput={(e) => setConfirm(valueOf(e))} />
          </Field>
        )}
        <ErrorBox error={error} />
        <button class="primary" type="submit" disabled={busy}>
          {props.setup ? t('auth.create') : t('auth.signIn')}
        </button>
        <select class="lang-select" aria-label={t('nav.language')} value={lang} onChange={(e) => setLang(valueOf(e) as Lang)}>
          {Object.entries(LANGS).map(([k, v]) => (
            <option value={k} key={k}>
              {v}
            </option>
          ))}
        </select>
      </form>
    </main>
  );
}
