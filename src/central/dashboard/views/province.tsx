/** A province: its figures, its kiosks and how long each has not synced, renewals per day, refusals by reason. */
import { dateTimeFor } from '../../../i18n/dates.js';
import type { KioskLine } from '../../api.js';
import type { ProvinceProgress } from '../progress.js';
import { ChartSection, Figures, groupLabel, PerDay, Table } from './blocks.js';
import { Updated } from './overview.js';
import { count, renderPage, type ViewContext } from './page.js';

function age(v: ViewContext, seconds: number | null): string {
  if (seconds === null) return v.t.text('dash.kiosk.never');
  if (seconds < 3600) return v.t.text('dash.age.minutes', { count: Math.floor(seconds / 60) });
  if (seconds < 2 * 86_400) return v.t.text('dash.age.hours', { count: Math.floor(seconds / 3600) });
  return v.t.text('dash.age.days', { count: Math.floor(seconds / 86_400) });
}

/** A kiosk in service that has not synced within the limit, or never did. */
export const isStale = (k: KioskLine, limitSeconds: number): boolean =>
  k.revokedAt === null && (k.notSyncedSeconds === null || k.notSyncedSeconds > limitSeconds);

export function provincePage(v: ViewContext, p: ProvinceProgress, unsyncedLimitSeconds: number): string {
  const { t } = v;
  const reason = (code: string) => {
    const words = t.text(`dash.reason.${code}`);
    return words === `dash.reason.${code}` ? code : words;
  };
  const body = (
    <>
      <Updated v={v} at={p.generatedAt} />
      <Figures v={v} total={p.total} />
      <p className="call">
        <a href={`/province/${encodeURIComponent(p.province)}/remaining`}>{t.text('dash.province.remainingLink', { count: count(v, p.total.remaining) })}</a>
      </p>
      <section aria-labelledby="kiosks-title">
        <h2 id="kiosks-title">{t.text('dash.kiosks.title')}</h2>
        <p className="hint">{t.text('dash.kiosks.stale', { hours: Math.round(unsyncedLimitSeconds / 3600) })}</p>
        <Table
          v={v}
          id="table-kiosks"
          rows={p.kiosks}
          rowClass={(k) => (isStale(k, unsyncedLimitSeconds) ? 'stale' : undefined)}
          columns={[
            { head: t.text('dash.kiosk.id'), cell: (k) => (k.revokedAt ? `${k.id} (${t.text('dash.kiosk.revoked')})` : k.id) },
            { head: t.text('dash.col.channel'), cell: (k) => groupLabel(v, 'channel', k.channel) },
            { head: t.text('dash.kiosk.lastSync'), cell: (k) => (k.lastSeenAt ? dateTimeFor(k.lastSeenAt, v.zone) : t.text('dash.kiosk.never')) },
            { head: t.text('dash.kiosk.age'), cell: (k) => age(v, k.notSyncedSeconds), numeric: true },
            { head: t.text('dash.kiosk.journal'), cell: (k) => `${count(v, k.acknowledgedSeq)}/${count(v, k.events)}`, numeric: true },
          ]}
        />
      </section>
      <div className="grid">
        <PerDay v={v} days={p.renewalsPerDay} />
        <ChartSection
          id="chart-refused"
          title={t.text('dash.refused.title')}
          spec={{
            type: 'bar',
            labels: p.refusedByReason.map((r) => reason(r.reason)),
            datasets: [{ label: t.text('dash.refused.count'), data: p.refusedByReason.map((r) => r.count) }],
          }}
        >
          <Table
            v={v}
            id="table-refused"
            rows={p.refusedByReason}
            columns={[
              { head: t.text('dash.refused.reason'), cell: (r) => reason(r.reason) },
              { head: t.text('dash.refused.count'), cell: (r) => count(v, r.count), numeric: true },
            ]}
          />
        </ChartSection>
      </div>
    </>
  );
  return renderPage(v, t.text('dash.province.title', { province: p.province }), body, { live: true });
}
