/**
 * A real central service on loopback for a test world, and this world's kiosk enrolled with it
 * the way an installer would: `capbu central kiosk add`, then `capbu enroll` with the code.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import type { SubscriberRecord } from '../../src/campaign/registry.js';
import { registryCsv } from '../../src/demo/campaign-files.js';
import { startCentral, type CentralConfig, type RunningCentral } from '../../src/central/server.js';
import { loadCampaigns } from '../../src/store/files.js';
import { writeFileSync } from 'node:fs';
import type { World } from './world.js';

export interface TestCentre {
  readonly running: RunningCentral;
  readonly url: string;
  readonly db: string;
  /** Loads registry rows at the centre and at the kiosk alike. */
  register(records: readonly SubscriberRecord[]): Promise<void>;
  /** How many certificates the centre has issued for an old certificate. */
  issuedFor(oldSerial: string): number;
  close(): Promise<void>;
}

export async function startTestCentre(world: World, now: Date, kioskId = 'HN-QUAY-01', config: Partial<CentralConfig> = {}): Promise<TestCentre> {
  const db = join(world.dir, `centre-${kioskId}.db`);
  const running = await startCentral({
    campaigns: loadCampaigns(world.campaignPath),
    caKeys: [world.newCaKeyPath],
    db,
    listen: '127.0.0.1:0',
    now: () => now,
    logger: false,
    // A world's tests each start a centre on a new database with the same key, by design.
    newDatabase: true,
    ...config,
  });
  const added = await world.capbu(['central', 'kiosk', 'add', '--id', kioskId, '--province', 'HN', '--channel', 'counter', '--db', db]);
  expect(added.code).toBe(0);
  const code = added.stdout.trim().split('\n').at(-1)!;
  const enrolled = await world.capbu(['enroll', '--server', running.url, '--code', code]);
  expect(enrolled.stderr).toBe('');
  let n = 0;
  return {
    running,
    url: running.url,
    db,
    register: async (records) => {
      const file = join(world.dir, `centre-registry-${++n}.csv`);
      writeFileSync(file, registryCsv(records));
      expect((await world.capbu(['central', 'registry', 'import', file, '--db', db])).code).toBe(0);
      expect((await world.importRegistry(records)).code).toBe(0);
    },
    issuedFor: (oldSerial) => {
      const reader = new Database(db, { readonly: true });
      try {
        return reader.prepare('SELECT COUNT(*) FROM renewals WHERE old_serial = ?').pluck().get(oldSerial) as number;
      } finally {
        reader.close();
      }
    },
    close: () => running.close(),
  };
}
