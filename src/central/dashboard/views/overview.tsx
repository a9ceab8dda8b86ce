/** The overview: totals, renewals per day, what remains by province, renewals by hardware and channel. */
import { dateTimeFor } from '../../../i18n/dates.js';
import type { ReactNode } from 'react';
import type { KioskSync, Overview, PlanReport, ReportGroup } from '../../api.js';
import { ChartSection, Figures, groupColumns, groupLabel, PerDay, Table, type ChartSpec } from './blocks.js';
import { KioskTable } from './kiosks.js';
import { PlanSection } from './plan.js';
import { renderPage, type ViewContext } from './page.js';

export function Updated({ v, at }: { v: ViewContext; at: string }) {
  return <p className="updated" id="updated" data-refresh="">{v.t.text('dash.updatedAt', { at: dateTimeFor(at, v.zone) })}</p>;
}

type Kind = 'province' | 'hardware' | 'channel';
const TITLES: Record<Kind, string> = { province: 'dash.byProvince.title', hardware: 'dash.byHardware.title', channel: 'dash.byChannel.title' };

/**
 * One way of grouping (province, hardware version, channel): a bar of `figure` per group and the
 * table of all its figures. Only provinces know eligible and remaining counts.
 */
function GroupChart({ v, kind, groups, figure, name }: { v: ViewContext; kind: Kind; groups: readonly ReportGroup[]; figure: 'remaining' | 'renewed'; name?: (g: ReportGroup) => ReactNode }) {
  const label = (g: ReportGroup) => groupLabel(v, kind, g.key);
  const spec: ChartSpec = {
    type: 'bar',
    labels: groups.map(label),
    datasets: [{ label: v.t.text(`dash.figure.${figure}`), data: groups.map((g) => g[figure] ?? 0) }],
  };
  return (
    <ChartSection id={`chart-by-${kind}`} title={v.t.text(TITLES[kind])} spec={spec}>
      <Table v={v} id={`table-by-${kind}`} rows={groups} columns={groupColumns(v, v.t.text(`dash.col.${kind}`), name ?? label, kind === 'province')} />
    </ChartSection>
  );
}

/**
 * `stale`: the kiosks of the scope past the limit, so a province is chased before its figures age;
 * `plan`: progress against the rollout plan (nationwide figures, so for admins only).
 */
export function overviewPage(v: ViewContext, o: Overview, stale: readonly KioskSync[], unsyncedLimitSeconds: number, plan: PlanReport | null): string {
  const { t } = v;
  const provinceLink = (key: string) => (key === '-' ? groupLabel(v, 'province', key) : <a href={`/province/${encodeURIComponent(key)}`}>{key}</a>);
  const body = (
    <>
      <Updated v={v} at={o.generatedAt} />
      <Figures v={v} total={o.total} />
      <div className="grid">
        <PerDay v={v} days={o.renewalsPerDay} />
        <GroupChart v={v} kind="province" groups={o.byProvince} figure="remaining" name={(g) => provinceLink(g.key)} />
        <GroupChart v={v} kind="hardware" groups={o.byHardwareVersion} figure="renewed" />
        <GroupChart v={v} kind="channel" groups={o.byChannel} figure="renewed" />
      </div>
      {plan && <PlanSection v={v} plan={plan} />}
      <section aria-labelledby="stale-title">
        <h2 id="stale-title">{t.text('dash.stale.title')}</h2>
        <KioskTable v={v} id="table-stale" kiosks={stale} limitSeconds={unsyncedLimitSeconds} withProvince />
      </section>
    </>
  );
  return renderPage(v, t.text('dash.overview.title'), body, { live: true });
}
