/** The overview: totals, renewals per day, what remains by province, renewals by hardware and channel. */
import { dateTimeFor } from '../../../i18n/dates.js';
import type { KioskSync, Overview } from '../../api.js';
import { ChartSection, Figures, groupColumns, groupLabel, PerDay, Table } from './blocks.js';
import { KioskTable } from './kiosks.js';
import { renderPage, type ViewContext } from './page.js';

export function Updated({ v, at }: { v: ViewContext; at: string }) {
  return <p className="updated" id="updated" data-refresh="">{v.t.text('dash.updatedAt', { at: dateTimeFor(at, v.zone) })}</p>;
}

/** `stale`: the kiosks of the scope past the limit, so a province is chased before its figures age. */
export function overviewPage(v: ViewContext, o: Overview, stale: readonly KioskSync[], unsyncedLimitSeconds: number): string {
  const { t } = v;
  const provinceLink = (key: string) => (key === '-' ? groupLabel(v, 'province', key) : <a href={`/province/${encodeURIComponent(key)}`}>{key}</a>);
  const body = (
    <>
      <Updated v={v} at={o.generatedAt} />
      <Figures v={v} total={o.total} />
      <div className="grid">
        <PerDay v={v} days={o.renewalsPerDay} />
        <ChartSection
          id="chart-by-province"
          title={t.text('dash.byProvince.title')}
          spec={{
            type: 'bar',
            labels: o.byProvince.map((g) => groupLabel(v, 'province', g.key)),
            datasets: [{ label: t.text('dash.figure.remaining'), data: o.byProvince.map((g) => g.remaining ?? 0) }],
          }}
        >
          <Table v={v} id="table-by-province" rows={o.byProvince} columns={groupColumns(v, t.text('dash.col.province'), (g) => provinceLink(g.key))} />
        </ChartSection>
        <ChartSection
          id="chart-by-hardware"
          title={t.text('dash.byHardware.title')}
          spec={{
            type: 'bar',
            labels: o.byHardwareVersion.map((g) => groupLabel(v, 'hardware', g.key)),
            datasets: [{ label: t.text('dash.figure.renewed'), data: o.byHardwareVersion.map((g) => g.renewed) }],
          }}
        >
          <Table v={v} id="table-by-hardware" rows={o.byHardwareVersion} columns={groupColumns(v, t.text('dash.col.hardware'), (g) => groupLabel(v, 'hardware', g.key), false)} />
        </ChartSection>
        <ChartSection
          id="chart-by-channel"
          title={t.text('dash.byChannel.title')}
          spec={{
            type: 'bar',
            labels: o.byChannel.map((g) => groupLabel(v, 'channel', g.key)),
            datasets: [{ label: t.text('dash.figure.renewed'), data: o.byChannel.map((g) => g.renewed) }],
          }}
        >
          <Table v={v} id="table-by-channel" rows={o.byChannel} columns={groupColumns(v, t.text('dash.col.channel'), (g) => groupLabel(v, 'channel', g.key), false)} />
        </ChartSection>
      </div>
      <section aria-labelledby="stale-title">
        <h2 id="stale-title">{t.text('dash.stale.title')}</h2>
        <KioskTable v={v} id="table-stale" kiosks={stale} limitSeconds={unsyncedLimitSeconds} withProvince />
      </section>
    </>
  );
  return renderPage(v, t.text('dash.overview.title'), body, { live: true });
}
