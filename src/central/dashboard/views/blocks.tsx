/** Pieces the pages are made of: the headline figures, a chart with its table, a plain table. */
import type { ReactNode } from 'react';
import { calendarDate } from '../../../i18n/dates.js';
import type { Overview, ReportGroup } from '../../api.js';

type DayCount = Overview['renewalsPerDay'][number];
import { count, type ViewContext } from './page.js';

/** What public/dashboard.js hands to Chart.js: the figures of the table beside it. */
export interface ChartSpec {
  readonly type: 'line' | 'bar';
  readonly labels: readonly string[];
  readonly datasets: readonly { label: string; data: readonly number[] }[];
}

export const refusedTotal = (g: ReportGroup): number => Object.values(g.refused).reduce((a, b) => a + b, 0);

export function Figures({ v, total }: { v: ViewContext; total: ReportGroup }) {
  const items: [string, number | null][] = [
    ['eligible', total.eligibleKnown],
    ['renewed', total.renewed],
    ['remaining', total.remaining],
    ['refused', refusedTotal(total)],
  ];
  return (
    <dl className="figures" id="figures" data-refresh="">
      {items.map(([key, n]) => (
        <div key={key} className={`figure ${key}`}>
          <dt>{v.t.text(`dash.figure.${key}`)}</dt>
          <dd data-figure={key}>{count(v, n)}</dd>
        </div>
      ))}
    </dl>
  );
}

export interface Column<R> {
  readonly head: string;
  readonly cell: (row: R) => ReactNode;
  /** Right-aligned figures. */
  readonly numeric?: boolean;
}

export function Table<R>({ id, rows, columns, rowClass, v }: { id: string; rows: readonly R[]; columns: readonly Column<R>[]; rowClass?: (row: R) => string | undefined; v: ViewContext }) {
  if (rows.length === 0) return <p id={id} data-refresh="" className="none">{v.t.text('dash.none')}</p>;
  return (
    <div className="table" id={id} data-refresh="">
      <table>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.head} scope="col" className={c.numeric ? 'num' : undefined}>{c.head}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i} className={rowClass?.(row)}>
              {columns.map((c) => (
                <td key={c.head} className={c.numeric ? 'num' : undefined}>{c.cell(row)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A chart (drawn in the browser from data-chart) above the table holding the same figures. */
export function ChartSection({ id, title, spec, children }: { id: string; title: string; spec: ChartSpec; children: ReactNode }) {
  return (
    <section className="chart-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      <div className="chart">
        <canvas id={id} role="img" aria-label={title} data-chart={JSON.stringify(spec)} />
      </div>
      {children}
    </section>
  );
}

export function perDaySpec(v: ViewContext, days: readonly DayCount[]): ChartSpec {
  return {
    type: 'line',
    labels: days.map((d) => calendarDate(d.date)),
    datasets: [{ label: v.t.text('dash.figure.renewed'), data: days.map((d) => d.renewed) }],
  };
}

export function PerDay({ v, days }: { v: ViewContext; days: readonly DayCount[] }) {
  return (
    <ChartSection id="chart-per-day" title={v.t.text('dash.perDay.title')} spec={perDaySpec(v, days)}>
      <Table
        v={v}
        id="table-per-day"
        rows={days}
        columns={[
          { head: v.t.text('dash.perDay.day'), cell: (d) => calendarDate(d.date) },
          { head: v.t.text('dash.figure.renewed'), cell: (d) => count(v, d.renewed), numeric: true },
        ]}
      />
    </ChartSection>
  );
}

/** A group's name for people: a channel in words, a missing value as "unknown". */
export function groupLabel(v: ViewContext, kind: 'province' | 'hardware' | 'channel', key: string): string {
  if (key === '' || key === '-') return v.t.text('dash.unknown');
  return kind === 'channel' ? v.t.text(`channel.${key}`) : key;
}

/** `known`: the group's eligible and remaining are known (provinces); hardware and channel groups have renewals and refusals only. */
export function groupColumns(v: ViewContext, head: string, name: (g: ReportGroup) => ReactNode, known = true): Column<ReportGroup>[] {
  const figure = (key: string, cell: (g: ReportGroup) => number | null): Column<ReportGroup> => ({ head: v.t.text(`dash.figure.${key}`), cell: (g) => count(v, cell(g)), numeric: true });
  return [
    { head, cell: name },
    ...(known ? [figure('eligible', (g) => g.eligibleKnown)] : []),
    figure('renewed', (g) => g.renewed),
    ...(known ? [figure('remaining', (g) => g.remaining)] : []),
    figure('refused', refusedTotal),
  ];
}
