import { useState } from 'preact/hooks';
import { api, call } from '../api/client';
import { Card, ErrorBox, Field, valueOf } from '../components/ui';
import { errorText } from '../data';
import { useI18n } from '../i18n/i18n';
import { useSession } from '../session';

/** The signed-in user's own account: change the password (the other logins end). */
export function AccountPage() {
  const { t } = useI18n();
  const { me } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setNotice(undefined);
    if (next !== confirm) return setError(t('auth.mismatch'));
    try {
      await call(api.POST('/api/v1/auth/password', { body: { current_password: current, new_password: next } }));
      setCurrent('');
      setNext('');
      setConfirm('');
      setNotice(t('account.changed'));
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <div class="page">
      <div class="page-head">
        <h1>{me.kind === 'user' ? me.username : me.name}</h1>
      </div>
      {me.kind === 'user' ? (
        <Card title={t('account.password')}>
          <form class="form-grid" onSubmit={submit} data-testid="password-form">
            <Field label={t('account.current')}>
              <input type="password" name="current" autocomplete="current-password" required value={current} onInput={(e) => setCurrent(valueOf(e))} />
            </Field>
            <Field label={t('account.new')} hint={t('auth.passwordHint')}>
              <input type="password" name="new" autocomplete="new-password" required value={next} onInput={(e) => setNext(valueOf(e))} />
            </Field>
            <Field label={t('auth.confirm')}>
              <input type="password" name="confirm" autocomplete="new-password" required value={confirm} onInput={(e) => setConfirm(valueOf(e))} />
            </Field>
            <ErrorBox error={error} />
            {notice && <p class="notice">{notice}</p>}
            <div>
              <button class="primary" type="submit">
                {t('account.change')}
              </button>
            </div>
          </form>
        </Card>
      ) : (
        <p class="muted">{t('account.key')}</p>
      )}
    </div>
  );
}
