import { href } from '../api/client';
import type { AuditSummary, AuditView } from '../api/types';
import { Card, DataTable } from '../components/ui';
import { useI18n } from '../i18n/i18n';

/** "93.3 %" or "–" when there was no true crossing. */
export function pct(v: number | null | undefined, fmtNum: (n: number, d?: number) => string): string {
  return v === null || v === undefined ? '–' : `${fmtNum(v, 1)} %`;
}

/** An audit's per-direction table: true crossings, counted, |error| and accuracy; exports. */
export function AuditResult(props: { audit: AuditSummary | AuditView }) {
  const { t, fmtNum } = useI18n();
  const a = props.audit;
  const json = href('/api/v1/audits/{id}', { path: { id: a.id } });
  return (
    <Card
      title={t('audit.result')}
      testid="audit-result"
      actions={
        <a class="button" href={json} download={`audit-${a.id}.json`} data-testid="audit-json">
          {t('audit.exportJson')}
        </a>
      }
    >
      <DataTable testid="audit-table" head={[t('audit.direction'), t('audit.true'), t('audit.counted'), t('audit.absError'), t('audit.accuracy')]}>
        {(['in', 'out', 'total'] as const).map((d) => {
          const r = a.results[d];
          return (
            <tr key={d} data-direction={d}>
              <td>{t(`audit.dir_${d}`)}</td>
              <td data-cell="true">{r.true}</td>
              <td data-cell="counted">{r.counted}</td>
              <td data-cell="abs_error">{r.abs_error}</td>
              <td data-cell="accuracy">{pct(r.accuracy_pct, fmtNum)}</td>
            </tr>
          );
        })}
      </DataTable>
      {'marks' in a && (
        <div class="grid-2 audit-times">
          <div>
            <h3>{t('audit.yourMarks')}</h3>
            <p class="small" data-testid="audit-marks-list">
              {a.marks.map((m) => `${fmtNum(m.t, 2)} ${t(`audit.dir_${m.direction}`)}`).join(' · ') || '–'}
            </p>
          </div>
          <div>
            <h3>{t('audit.applianceCounted')}</h3>
            <p class="small" data-testid="audit-counted-list">
              {a.counted.map((m) => `${fmtNum(m.t, 2)} ${t(`audit.dir_${m.direction}`)}`).join(' · ') || '–'}
            </p>
          </div>
        </div>
      )}
    </Card>
  );
}
