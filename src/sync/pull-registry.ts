/**
 * Brings the kiosk's registry snapshot up to the centre's, so a field agent who goes offline
 * decides from rows as fresh as the last time the link was up. Only rows changed since the last
 * pull travel.
 */
import type { SubscriberRecord } from '../campaign/registry.js';
import { appendEvent, journaled, recordContact } from '../store/journal.js';
import { registryCopy, upsertRegistry } from '../store/registry.js';
import type { Store } from '../store/store.js';
import type { CentralClient } from './client.js';

export interface RegistryPull {
  readonly changed: number;
  readonly version: number;
}

/** Journals registry.pulled when the snapshot moved; a pull that brought nothing leaves no event. */
export async function pullRegistry(db: Store, client: Pick<CentralClient, 'registry'>, at: Date): Promise<RegistryPull> {
  const since = registryCopy(db).version;
  const reply = await client.registry(since);
  const rows: SubscriberRecord[] = reply.rows;
  // The rows, the version they bring the snapshot to and their event land together or not at all.
  journaled(db, () => {
    upsertRegistry(db, rows, at);
    recordContact(db, at);
    if (rows.length > 0 || reply.version !== since) {
      appendEvent(db, { type: 'registry.pulled', operator: null, data: { rows: rows.length, version: reply.version }, at });
    }
    db.prepare(
      `INSERT INTO registry_sync (id, version, synced_at) VALUES (1, ?, ?)
       ON CONFLICT(id) DO UPDATE SET version = excluded.version, synced_at = excluded.synced_at`,
    ).run(reply.version, at.toISOString());
  });
  return { changed: rows.length, version: reply.version };
}
