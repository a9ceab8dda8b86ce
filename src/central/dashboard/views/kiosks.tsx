/** Kiosks and how long each has not synced; those past the limit (or never synced) highlighted. */
import { dateTimeFor } from '../../../i18n/dates.js';
import type { KioskSync } from '../../api.js';
import { groupLabel, Table, type Column } from './blocks.js';
import { count, type ViewContext } from './page.js';

function age(v: ViewContext, seconds: number | null): string {
  if (seconds === null) return v.t.text('dash.kiosk.never');
  if (seconds < 3600) return v.t.text('dash.age.minutes', { count: Math.floor(seconds / 60) });
  if (seconds < 2 * 86_400) return v.t.text('dash.age.hours', { count: Math.floor(seconds / 3600) });
  return v.t.text('dash.age.days', { count: Math.floor(seconds / 86_400) });
}

/** A kiosk in service that has not synced within the limit, or never did. */
export const isStale = (k: KioskSync, limitSeconds: number): boolean =>
  k.revokedAt === null && (k.notSyncedSeconds === null || k.notSyncedSeconds > limitSeconds);

export function KioskTable({ v, id, kiosks, limitSeconds, withProvince }: { v: ViewContext; id: string; kiosks: readonly KioskSync[]; limitSeconds: number; withProvince?: boolean }) {
  const { t } = v;
  const columns: Column<KioskSync>[] = [
    { head: t.text('dash.kiosk.id'), cell: (k) => (k.revokedAt ? `${k.id} (${t.text('dash.kiosk.revoked')})` : k.id) },
    ...(withProvince ? [{ head: t.text('dash.col.province'), cell: (k: KioskSync) => <a href={`/province/${encodeURIComponent(k.province)}`}>{k.province}</a> }] : []),
    { head: t.text('dash.col.channel'), cell: (k) => groupLabel(v, 'channel', k.channel) },
    { head: t.text('dash.kiosk.lastSync'), cell: (k) => (k.lastSeenAt ? dateTimeFor(k.lastSeenAt, v.zone) : t.text('dash.kiosk.never')) },
    { head: t.text('dash.kiosk.age'), cell: (k) => age(v, k.notSyncedSeconds), numeric: true },
    { head: t.text('dash.kiosk.journal'), cell: (k) => `${count(v, k.acknowledgedSeq)}/${count(v, k.events)}`, numeric: true },
  ];
  return (
    <>
      <p className="hint">{t.text('dash.kiosks.stale', { hours: Math.round(limitSeconds / 3600) })}</p>
      <Table v={v} id={id} rows={kiosks} rowClass={(k) => (isStale(k, limitSeconds) ? 'stale' : undefined)} columns={columns} />
    </>
  );
}
