/** The eligible customers of a province not renewed yet, a page at a time, with the CSV of them all. */
import { calendarDate } from '../../../i18n/dates.js';
import type { RemainingPage } from '../progress.js';
import { Table } from './blocks.js';
import { count, renderPage, type ViewContext } from './page.js';

export function remainingPage(v: ViewContext, r: RemainingPage, pageSize: number): string {
  const { t } = v;
  const base = `/province/${encodeURIComponent(r.province)}`;
  const page = Math.floor(r.offset / pageSize);
  const body = (
    <>
      <p>
        <a href={base}>{t.text('dash.remaining.back', { province: r.province })}</a>
      </p>
      <p id="remaining-count">
        {t.text('dash.remaining.count', { total: count(v, r.total), from: count(v, r.rows.length ? r.offset + 1 : 0), to: count(v, r.offset + r.rows.length) })}
      </p>
      <p>
        <a className="button" href={`${base}/remaining.csv`} download="">{t.text('dash.remaining.csv')}</a>
      </p>
      <Table
        v={v}
        id="table-remaining"
        rows={r.rows}
        columns={[
          { head: t.text('dash.remaining.serial'), cell: (c) => c.serial },
          { head: t.text('dash.remaining.taxCode'), cell: (c) => c.taxCode },
          { head: t.text('dash.remaining.contractEnd'), cell: (c) => calendarDate(c.contractEnd) },
        ]}
      />
      <nav className="pages">
        {page > 0 && <a href={`${base}/remaining?page=${page}`}>{t.text('dash.remaining.previous')}</a>}
        {r.offset + r.rows.length < r.total && <a href={`${base}/remaining?page=${page + 2}`}>{t.text('dash.remaining.next')}</a>}
      </nav>
    </>
  );
  return renderPage(v, t.text('dash.remaining.title', { province: r.province }), body);
}
