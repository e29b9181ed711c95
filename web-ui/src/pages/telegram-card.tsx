import { useState } from 'preact/hooks';
import { api, call } from '../api/client';
import type { TelegramStatus, TelegramTestResult as TestResult } from '../api/types';
import { Card, ErrorBox, Field, Loading, StatusBadge, valueOf } from '../components/ui';
import { errorText, useAsync } from '../data';
import { useI18n } from '../i18n/i18n';
import { Diagnostic } from '../components/diagnostic';

/** The Telegram connection: its state, connect a bot and chat (a test message goes out), test, disconnect. */
export function Telegram() {
  const { t } = useI18n();
  const status = useAsync(() => call<TelegramStatus>(api.GET('/api/v1/notifications/telegram')), []);
  const [token, setToken] = useState('');
  const [chat, setChat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [results, setResults] = useState<TestResult[]>();
  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    setResults(undefined);
    try {
      await fn();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
      status.reload();
    }
  };
  const s = status.data;
  return (
    <Card title="Telegram" testid="telegram">
      <ErrorBox error={error ?? status.error} />
      {!s ? (
        <Loading />
      ) : (
        <dl class="kv">
          <div>
            <dt>{t('sess.status')}</dt>
            <dd>
              <StatusBadge status={s.state === 'ok' ? 'connected' : s.state} />
              {s.reason && <Diagnostic class="error small" code={s.reason_code} params={s.reason_params} detail={s.reason} />}
            </dd>
          </div>
          {s.bot_username && (
            <div>
              <dt>{t('alerts.bot')}</dt>
              <dd>@{s.bot_username}</dd>
            </div>
          )}
          <div>
            <dt>{t('alerts.chats')}</dt>
            <dd>{s.chat_ids.join(', ') || '–'}</dd>
          </div>
          <div>
            <dt>{t('alerts.queued')}</dt>
            <dd>
              {s.queued} · {t('alerts.failedMessages', { n: s.failed_messages })}
            </dd>
          </div>
          {s.source === 'config' && <p class="muted small">{t('alerts.fromConfig')}</p>}
        </dl>
      )}
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            await call(api.POST('/api/v1/notifications/telegram/connect', { body: { bot_token: token.trim(), chat_id: chat.trim() } }));
            setToken('');
          });
        }}
      >
        <h3>{s?.configured ? t('alerts.reconnect') : t('alerts.connect')}</h3>
        <Field label={t('alerts.botToken')} hint={t('alerts.botTokenHint')}>
          <input required autocomplete="off" value={token} onInput={(e) => setToken(valueOf(e))} placeholder="123456:ABC…" />
        </Field>
        <Field label={t('alerts.chatId')} hint={t('alerts.chatIdHint')}>
          <input required value={chat} onInput={(e) => setChat(valueOf(e))} placeholder="-1001234567890" />
        </Field>
        <button type="submit" class="primary" disabled={busy}>
          {t('alerts.connectButton')}
        </button>
      </form>
      {s?.configured && (
        <div class="row">
          <button type="button" disabled={busy} onClick={() => void run(async () => setResults((await call<{ results: TestResult[] }>(api.POST('/api/v1/notifications/telegram/test'))).results))}>
            {t('alerts.test')}
          </button>
          {s.source === 'api' && (
            <button type="button" class="danger" disabled={busy} onClick={() => void run(() => call(api.DELETE('/api/v1/notifications/telegram')))}>
              {t('alerts.disconnect')}
            </button>
          )}
        </div>
      )}
      {results && (
        <ul class="plain">
          {results.map((r) => (
            <li key={r.chat_id} class={r.ok ? 'ok' : 'error'}>
              {r.chat_id}: {r.ok ? t('alerts.sent') : <Diagnostic code={r.error_code} params={r.error_params} detail={r.error ?? ''} />}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
