/**
 * Brings the kiosk's registry snapshot up to the centre's, so a field agent who goes offline
 * decides from rows as fresh as the last time the link was up. Only rows changed since the last
 * pull travel.
 */
import type { SubscriberRecord } from '../campaign/registry.js';
import { importRegistry } from '../store/registry.js';
import type { Store } from '../store/store.js';
import type { CentralClient } from './client.js';

export interface RegistryPull {
  readonly changed: number;
  readonly version: number;
}

function lastVersion(db: Store): number {
  return (db.prepare('SELECT version FROM registry_sync WHERE id = 1').pluck().get() as number | undefined) ?? 0;
}

export async function pullRegistry(db: Store, client: Pick<CentralClient, 'registry'>, at: Date): Promise<RegistryPull> {
  const reply = await client.registry(lastVersion(db));
  const rows: SubscriberRecord[] = reply.rows;
  // The rows and the version they bring the snapshot to land together or not at all.
  db.transaction(() => {
    importRegistry(db, rows, at);
    db.prepare(
      `INSERT INTO registry_sync (id, version, synced_at) VALUES (1, ?, ?)
       ON CONFLICT(id) DO UPDATE SET version = excluded.version, synced_at = excluded.synced_at`,
    ).run(reply.version, at.toISOString());
  })();
  return { changed: rows.length, version: reply.version };
}
