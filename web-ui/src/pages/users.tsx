import { useState } from 'preact/hooks';
import { api, call } from '../api/client';
import type { ApiKeyView, Role, Scope, UserView } from '../api/types';
import { Card, Empty, ErrorBox, Field, Loading, valueOf, DataTable } from '../components/ui';
import { errorText, useAsync } from '../data';
import { useI18n } from '../i18n/i18n';
import { known } from '../i18n/known';
import { useSession } from '../session';

const ROLES: Role[] = ['viewer', 'operator', 'admin'];
const SCOPES: Scope[] = ['cameras:read', 'events:read', 'reports:read', 'analysis:run', 'admin'];

function Users() {
  const { t, fmtTime } = useI18n();
  const { me } = useSession();
  const list = useAsync(() => call<{ users: UserView[] }>(api.GET('/api/v1/users')), []);
  const [form, setForm] = useState({ username: '', password: '', role: 'viewer' as Role });
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [pwFor, setPwFor] = useState<number>();
  const [pw, setPw] = useState('');
  const act = async (fn: () => Promise<unknown>, ok?: string) => {
    setError(undefined);
    setNotice(undefined);
    try {
      await fn();
      if (ok) setNotice(ok);
      list.reload();
      return true;
    } catch (e) {
      setError(errorText(e));
      return false;
    }
  };
  const create = async (e: Event) => {
    e.preventDefault();
    if (await act(() => call(api.POST('/api/v1/users', { body: { ...form, username: form.username.trim() } })), t('users.created', { name: form.username.trim() }))) {
      setForm({ username: '', password: '', role: 'viewer' });
    }
  };
  const path = (id: number) => ({ params: { path: { id: String(id) } } });
  return (
    <Card title={t('users.users')} testid="users">
      <ErrorBox error={error ?? list.error} />
      {notice && <p class="notice">{notice}</p>}
      {!list.data ? (
        <Loading />
      ) : (
        <DataTable testid="user-list" head={[t('auth.username'), t('users.role'), t('report.created'), t('users.lastLogin'), '']}>
          {list.data.users.map((u) => {
            const self = me.kind === 'user' && me.id === u.id;
            return (
              <tr key={u.id} data-user={u.username}>
                <td>
                  {u.username} {self && <span class="muted small">({t('users.you')})</span>}
                </td>
                <td>
                  <select
                    value={u.role}
                    aria-label={t('users.role')}
                    onChange={(e) => void act(() => call(api.PATCH('/api/v1/users/{id}', { ...path(u.id), body: { role: valueOf(e) as Role } })), t('common.saved'))}
                  >
                    {ROLES.map((r) => (
                      <option value={r} key={r}>
                        {t(`role.${r}`)}
                      </option>
                    ))}
                  </select>
                </td>
                <td>{fmtTime(u.created_at)}</td>
                <td>{u.last_login_at ? fmtTime(u.last_login_at) : '–'}</td>
                <td class="actions">
                  {pwFor === u.id ? (
                    <form
                      class="row inline"
                      onSubmit={(e) => {
                        e.preventDefault();
                        void act(() => call(api.PATCH('/api/v1/users/{id}', { ...path(u.id), body: { password: pw } })), t('users.passwordChanged')).then((ok) => ok && (setPwFor(undefined), setPw('')));
                      }}
                    >
                      <input type="password" autocomplete="new-password" required aria-label={t('users.newPassword', { name: u.username })} placeholder={t('account.new')} value={pw} onInput={(e) => setPw(valueOf(e))} />
                      <button type="submit" class="primary">
                        {t('common.save')}
                      </button>
                      <button type="button" onClick={() => (setPwFor(undefined), setPw(''))}>
                        {t('common.cancel')}
                      </button>
                    </form>
                  ) : (
                    <button type="button" onClick={() => (setPwFor(u.id), setPw(''))}>
                      {t('users.setPassword')}
                    </button>
                  )}
                  {!self && (
                    <button type="button" class="danger" onClick={() => confirm(t('users.confirmDelete', { name: u.username })) && void act(() => call(api.DELETE('/api/v1/users/{id}', path(u.id))))}>
                      {t('common.delete')}
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}
      <form class="inline-form" onSubmit={create} data-testid="new-user">
        <h3>{t('users.add')}</h3>
        <Field label={t('auth.username')}>
          <input name="new-username" required value={form.username} onInput={(e) => setForm({ ...form, username: valueOf(e) })} />
        </Field>
        <Field label={t('auth.password')} hint={t('auth.passwordHint')}>
          <input name="new-password" type="password" autocomplete="new-password" required value={form.password} onInput={(e) => setForm({ ...form, password: valueOf(e) })} />
        </Field>
        <Field label={t('users.role')}>
          <select name="new-role" value={form.role} onChange={(e) => setForm({ ...form, role: valueOf(e) as Role })}>
            {ROLES.map((r) => (
              <option value={r} key={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </Field>
        <button type="submit" class="primary" data-testid="create-user">
          {t('users.add')}
        </button>
      </form>
    </Card>
  );
}

function ApiKeys() {
  const { t, fmtTime } = useI18n();
  const list = useAsync(() => call<{ api_keys: ApiKeyView[] }>(api.GET('/api/v1/api-keys')), []);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['cameras:read']);
  const [created, setCreated] = useState<{ name: string; key: string }>();
  const [error, setError] = useState<string>();
  const [copied, setCopied] = useState(false);
  const create = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      const k = await call<ApiKeyView & { key: string }>(api.POST('/api/v1/api-keys', { body: { name: name.trim(), scopes } }));
      setCreated({ name: k.name, key: k.key });
      setCopied(false);
      setName('');
      list.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const revoke = async (k: ApiKeyView) => {
    if (!confirm(t('keys.confirmRevoke', { name: k.name }))) return;
    try {
      await call(api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id: k.id } } }));
      list.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const keys = list.data?.api_keys;
  return (
    <Card title={t('keys.keys')} testid="api-keys">
      <ErrorBox error={error ?? list.error} />
      {created && (
        <div class="key-once" role="status" data-testid="new-key">
          <p>
            <strong>{t('keys.once', { name: created.name })}</strong>
          </p>
          <code class="key-value" data-testid="key-value">
            {created.key}
          </code>
          <div class="row">
            <button
              type="button"
              onClick={() =>
                void navigator.clipboard?.writeText(created.key).then(
                  () => setCopied(true),
                  () => undefined,
                )
              }
            >
              {copied ? t('keys.copied') : t('keys.copy')}
            </button>
            <button type="button" onClick={() => setCreated(undefined)}>
              {t('keys.done')}
            </button>
          </div>
        </div>
      )}
      {!keys ? (
        <Loading />
      ) : keys.length === 0 ? (
        <Empty>{t('keys.none')}</Empty>
      ) : (
        <DataTable testid="key-list" head={[t('keys.name'), t('keys.scopes'), t('report.created'), t('keys.lastUsed'), '']}>
          {keys.map((k) => (
            <tr key={k.id} class={k.revoked_at ? 'revoked' : ''}>
              <td>
                {k.name} <span class="muted small">{k.id}</span>
              </td>
              <td>{k.scopes.map((s) => known(t, 'scope.', s)).join(', ')}</td>
              <td>{fmtTime(k.created_at)}</td>
              <td>{k.last_used_at ? fmtTime(k.last_used_at) : '–'}</td>
              <td class="actions">
                {k.revoked_at ? (
                  <span class="muted">{t('keys.revokedAt', { at: fmtTime(k.revoked_at) })}</span>
                ) : (
                  <button type="button" class="danger" onClick={() => void revoke(k)}>
                    {t('keys.revoke')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <form class="inline-form" onSubmit={create} data-testid="new-key-form">
        <h3>{t('keys.add')}</h3>
        <Field label={t('keys.name')}>
          <input required maxLength={100} value={name} onInput={(e) => setName(valueOf(e))} />
        </Field>
        <fieldset class="checks">
          <legend>{t('keys.scopes')}</legend>
          {SCOPES.map((s) => (
            <label key={s}>
              <input type="checkbox" checked={scopes.includes(s)} onChange={(e) => setScopes(e.currentTarget.checked ? [...scopes, s] : scopes.filter((x) => x !== s))} /> {known(t, 'scope.', s)}
            </label>
          ))}
        </fieldset>
        <button type="submit" class="primary" disabled={scopes.length === 0}>
          {t('keys.add')}
        </button>
      </form>
    </Card>
  );
}

/** Users and API keys (admins only). */
export function UsersPage() {
  const { t } = useI18n();
  return (
    <div class="page">
      <div class="page-head">
        <h1>{t('nav.users')}</h1>
      </div>
      <Users />
      <ApiKeys />
    </div>
  );
}
