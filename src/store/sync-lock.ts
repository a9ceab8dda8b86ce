/**
 * One sync at a time per kiosk: a lease in the store, so two `capbu sync` processes (or the TUI's
 * background loop and a cron job) never send the same events at once. A holder that died is seen
 * through its process id when it ran on this machine, and through the lease's expiry otherwise.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Store } from './store.js';

export const SYNC_LEASE_MS = 120_000;

export function newHolder(): string {
  return `${hostname()}:${process.pid}:${randomUUID()}`;
}

function alive(holder: string): boolean {
  const [host, pid] = holder.split(':');
  if (host !== hostname()) return true;
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock, or renews it for its holder once half its lease is gone; false while another live holder has it. */
export function acquireSyncLock(db: Store, holder: string, now = Date.now(), leaseMs = SYNC_LEASE_MS): boolean {
  return db
    .transaction(() => {
      const row = db.prepare('SELECT holder, expires_at FROM sync_lock WHERE id = 1').get() as { holder: string; expires_at: number } | undefined;
      if (row && row.holder !== holder && row.expires_at > now && alive(row.holder)) return false;
      // Still well within its lease: nothing to write, so no durable commit between batches.
      if (row && row.holder === holder && row.expires_at - now > leaseMs / 2) return true;
      db.prepare(
        `INSERT INTO sync_lock (id, holder, expires_at) VALUES (1, ?, ?)
         ON CONFLICT(id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at`,
      ).run(holder, now + leaseMs);
      return true;
    })
    .immediate();
}

export function releaseSyncLock(db: Store, holder: string): void {
  db.prepare('DELETE FROM sync_lock WHERE id = 1 AND holder = ?').run(holder);
}
