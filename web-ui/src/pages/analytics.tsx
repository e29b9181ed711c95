import { useState } from 'preact/hooks';
import { api, call } from '../api/client';
import type { Report, StoredReport } from '../api/types';
import { presetRange, RangePicker, type TimeRange } from '../components/range-picker';
import { Card, Empty, ErrorBox, Field, Loading, valueOf, DataTable } from '../components/ui';
import { errorText, useAsync, useCameras } from '../data';
import { useI18n } from '../i18n/i18n';
import { useFormat } from '../format';
import { link, navigate } from '../router';
import { useSession } from '../session';

type Resolution = '1m' | '15m' | '1h';

function GenerateReport() {
  const { t } = useI18n();
  const cams = useCameras();
  const [range, setRange] = useState<TimeRange>(() => presetRange('24h'));
  const [picked, setPicked] = useState<string[] | undefined>();
  const [resolution, setResolution] = useState<Resolution>('15m');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const all = cams.data?.map((c) => c.id) ?? [];
  const chosen = picked ?? all;
  const generate = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const r = range.preset === 'custom' ? range : presetRange(range.preset);
      const report = await call<Report>(api.POST('/api/v1/reports', { body: { cameras: chosen.length ? chosen : undefined, from: r.from, to: r.to, resolution } }));
      navigate(link('reports', report.id));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={t('report.generate')} testid="generate-report">
      <form class="form-grid" onSubmit={generate}>
        <Field label={t('range.label')}>
          <RangePicker value={range} onChange={setRange} />
        </Field>
        <Field label={t('report.resolution')}>
          <select value={resolution} onChange={(e) => setResolution(valueOf(e) as Resolution)}>
            <option value="1m">{t('report.res1m')}</option>
            <option value="15m">{t('report.res15m')}</option>
            <option value="1h">{t('report.res1h')}</option>
          </select>
        </Field>
        <fieldset class="checks">
          <legend>{t('nav.cameras')}</legend>
          {cams.data?.map((c) => (
            <label key={c.id}>
              <input
                type="checkbox"
                checked={chosen.includes(c.id)}
                onChange={(e) => setPicked(e.currentTarget.checked ? [...chosen, c.id] : chosen.filter((x) => x !== c.id))}
              />{' '}
              {c.name}
            </label>
          ))}
        </fieldset>
        <ErrorBox error={error} />
        <div>
          <button class="primary" type="submit" disabled={busy || chosen.length === 0}>
            {busy ? t('common.working') : t('report.generateButton')}
          </button>
        </div>
      </form>
    </Card>
  );
}

export function ReportList(props: { limit?: number }) {
  const { t } = useI18n();
  const { fmtTime } = useFormat();
  /** Cursors of the pages shown so far (the `next` each page answered). */
  const [cursors, setCursors] = useState<number[]>([]);
  const limit = props.limit ?? 25;
  const list = useAsync(
    () => call<{ reports: StoredReport[]; next: number | null }>(api.GET('/api/v1/reports', { params: { query: { limit, cursor: cursors[cursors.length - 1] } } })),
    [cursors.join(',')],
  );
  if (!list.data) return list.error ? <ErrorBox error={list.error} /> : <Loading />;
  const reports = list.data.reports;
  return (
    <>
      {reports.length === 0 ? (
        <Empty>{t('report.none')}</Empty>
      ) : (
        <DataTable testid="report-list" head={[t('report.kind'), t('report.range'), t('nav.cameras'), t('report.created')]}>
          {reports.map((r) => (
            <tr key={r.id}>
              <td>
                <a href={link('reports', r.id)}>{t(`report.kind_${r.kind}`)}</a>
              </td>
              <td>
                {fmtTime(r.from)} – {fmtTime(r.to)}
              </td>
              <td>{r.cameras.join(', ')}</td>
              <td>{fmtTime(r.created_at)}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <div class="pager">
        {cursors.length > 0 && (
          <button type="button" onClick={() => setCursors(cursors.slice(0, -1))}>
            ← {t('common.newer')}
          </button>
        )}
        {list.data.next !== null && (
          <button type="button" onClick={() => setCursors([...cursors, list.data!.next!])}>
            {t('common.older')} →
          </button>
        )}
      </div>
    </>
  );
}

/** Reports: generate one for a range (operators), or open a stored one (hourly, daily, sessions). */
export function AnalyticsPage() {
  const { t } = useI18n();
  const { canOperate } = useSession();
  return (
    <div class="page">
      <div class="page-head">
        <h1>{t('nav.analytics')}</h1>
        <a href={link('sessions')}>{t('nav.sessions')} →</a>
      </div>
      <div class="grid-2">
        {canOperate && <GenerateReport />}
        <Card title={t('report.stored')}>
          <ReportList />
        </Card>
      </div>
    </div>
  );
}
