/** The eligible customers of a province not renewed yet, a page at a time, with the CSV of them all. */
import { calendarDate } from '../../../i18n/dates.js';
import type { RemainingCustomer } from '../../api.js';
import { Table } from './blocks.js';
import { count, renderPage, type ViewContext } from './page.js';

export interface RemainingView {
  readonly province: string;
  /** How many remain in the province, all pages together. */
  readonly total: number;
  readonly customers: readonly RemainingCustomer[];
  /** The cursor of the next page; null on the last. */
  readonly next: string | null;
  /** Whether this is a later page (the first is one link away). */
  readonly later: boolean;
}

export function remainingPage(v: ViewContext, r: RemainingView): string {
  const { t } = v;
  const base = `/province/${encodeURIComponent(r.province)}`;
  const body = (
    <>
      <p>
        <a href={base}>{t.text('dash.remaining.back', { province: r.province })}</a>
      </p>
      <p id="remaining-count">{t.text('dash.remaining.count', { total: count(v, r.total), shown: count(v, r.customers.length) })}</p>
      <p>
        <a className="button" href={`${base}/remaining.csv`} download="">{t.text('dash.remaining.csv')}</a>
      </p>
      <Table
        v={v}
        id="table-remaining"
        rows={r.customers}
        columns={[
          { head: t.text('dash.remaining.serial'), cell: (c) => c.serial },
          { head: t.text('dash.remaining.taxCode'), cell: (c) => c.taxCode },
          { head: t.text('dash.remaining.contractEnd'), cell: (c) => calendarDate(c.contractEnd) },
        ]}
      />
      <nav className="pages">
        {r.later && <a href={`${base}/remaining`}>{t.text('dash.remaining.first')}</a>}
        {r.next !== null && <a href={`${base}/remaining?after=${encodeURIComponent(r.next)}`}>{t.text('dash.remaining.next')}</a>}
      </nav>
    </>
  );
  return renderPage(v, t.text('dash.remaining.title', { province: r.province }), body);
}
