/** A province: its figures, its kiosks and how long each has not synced, renewals per day, refusals by reason. */
import type { ProvinceProgress } from '../../api.js';
import { ChartSection, Figures, PerDay, Table } from './blocks.js';
import { KioskTable } from './kiosks.js';
import { Updated } from './overview.js';
import { count, renderPage, type ViewContext } from './page.js';

/** A reason in words where the catalogue has them, else its code. */
function reasonLabel(v: ViewContext, code: string): string {
  const key = `dash.reason.${code}`;
  const words = v.t.text(key);
  return words === key ? code : words;
}

export function provincePage(v: ViewContext, p: ProvinceProgress, unsyncedLimitSeconds: number): string {
  const { t } = v;
  const refused = Object.entries(p.total.refused)
    .map(([reason, n]) => ({ reason, count: n }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  const body = (
    <>
      <Updated v={v} at={p.generatedAt} />
      <Figures v={v} total={p.total} />
      <p className="call">
        <a href={`/province/${encodeURIComponent(p.province)}/remaining`}>{t.text('dash.province.remainingLink', { count: count(v, p.total.remaining) })}</a>
      </p>
      <section aria-labelledby="kiosks-title">
        <h2 id="kiosks-title">{t.text('dash.kiosks.title')}</h2>
        <KioskTable v={v} id="table-kiosks" kiosks={p.kiosks} limitSeconds={unsyncedLimitSeconds} />
      </section>
      <div className="grid">
        <PerDay v={v} days={p.renewalsPerDay} />
        <ChartSection
          id="chart-refused"
          title={t.text('dash.refused.title')}
          spec={{
            type: 'bar',
            labels: refused.map((r) => reasonLabel(v, r.reason)),
            datasets: [{ label: t.text('dash.refused.count'), data: refused.map((r) => r.count) }],
          }}
        >
          <Table
            v={v}
            id="table-refused"
            rows={refused}
            columns={[
              { head: t.text('dash.refused.reason'), cell: (r) => reasonLabel(v, r.reason) },
              { head: t.text('dash.refused.count'), cell: (r) => count(v, r.count), numeric: true },
            ]}
          />
        </ChartSection>
      </div>
    </>
  );
  return renderPage(v, t.text('dash.province.title', { province: p.province }), body, { live: true });
}
