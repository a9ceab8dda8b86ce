/**
 * Migration 7 (hardware versions and paid orders) on a populated centre, SQLite and PostgreSQL:
 * filled at schema 6, migrated, its registry rows and certificates all there; an order imported
 * afterwards moves the progress counts — a certificate whose contract's days have run out still
 * remains to renew while its paid extension lasts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import pg from 'pg';
import { MIGRATIONS } from '../../src/central/storage/migrations.js';
import { openCentralStore } from '../../src/central/storage/open.js';
import { POSTGRES_MIGRATIONS } from '../../src/central/storage/statements.js';
import { overview } from '../../src/central/progress/index.js';
import { migrate, migrateSqlite } from '../../src/sql/migrate.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { makeCentralWorld, NOW, sqlitePath, type CentralWorld, type Subscriber } from './fixtures.js';

let world: CentralWorld;
let postgres: TestPostgres | undefined;
beforeAll(async () => {
  world = await makeCentralWorld();
}, 60_000);
afterAll(async () => {
  await postgres?.stop();
});

const V6 = MIGRATIONS.filter((m) => m.version <= 6);
/** After the contracts' end (30/06/2021), before the paid extension's (30/06/2023). */
const LATER = new Date('2022-01-01T03:00:00Z');

async function fillV6(exec: (sql: string, params: unknown[]) => Promise<void>): Promise<Subscriber[]> {
  const subscribers = await Promise.all(['o1', 'o2'].map((n) => world.subscriber(`Order ${n}`)));
  const at = NOW.toISOString();
  for (const s of subscribers) {
    await exec(`INSERT INTO subscribers (serial, tax_code, contract_end, status, province, version, updated_at) VALUES (?, ?, '2021-06-30', 'active', 'HN', 1, ?)`, [
      s.serial, world.record(s).taxCode, at,
    ]);
    await exec('INSERT INTO certificates (serial, der, added_at) VALUES (?, ?, ?)', [s.serial, Buffer.from(s.der).toString('base64'), at]);
  }
  return subscribers;
}

async function expectMigrated(db: string, subscribers: Subscriber[]): Promise<void> {
  const [paid, unpaid] = subscribers as [Subscriber, Subscriber];
  const store = await openCentralStore(db, NOW);
  try {
    for (const s of subscribers) {
      expect(await store.subscriber({ issuerKeyId: '', serial: s.serial })).toEqual({
        serial: s.serial, taxCode: world.record(s).taxCode, contractEnd: '2021-06-30', status: 'active', province: 'HN',
      });
    }
    expect((await store.certificates()).length).toBe(2);
    const source = { store, campaigns: world.campaigns };
    expect((await overview(source, 'all', NOW)).total).toMatchObject({ eligibleKnown: 2, remaining: 2 });
    // Past the contracts' end nothing remains …
    expect((await overview(source, 'all', LATER)).total.remaining).toBe(0);
    // … until an order extends one: the counts follow the paid period.
    await store.importOrders([{ serial: paid.serial, orderId: 'GH-7', paidUntil: '2023-06-30', paidAt: null }], NOW.toISOString());
    expect((await overview(source, 'all', LATER)).total.remaining).toBe(1);
    expect(await store.subscriber({ issuerKeyId: '', serial: paid.serial })).toMatchObject({ paidOrder: { orderId: 'GH-7', paidUntil: '2023-06-30' } });
    expect((await store.subscriber({ issuerKeyId: '', serial: unpaid.serial }))?.paidOrder).toBeUndefined();
  } finally {
    await store.close();
  }
}

describe('a populated centre migrated to rollout and paid orders (migration 7)', () => {
  it('on SQLite', async () => {
    const path = sqlitePath(world, 'orders-migration');
    const db = new Database(path);
    migrateSqlite(db, V6, NOW.toISOString());
    const subscribers = await fillV6(async (sql, params) => void db.prepare(sql).run(...params));
    db.close();
    await expectMigrated(path, subscribers);
  });

  it('on PostgreSQL', async () => {
    postgres ??= await startPostgres();
    const url = await postgres.newDatabase();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    let subscribers: Subscriber[];
    try {
      await migrate(POSTGRES_MIGRATIONS, V6, NOW.toISOString(), async (command) => (await client.query(command.sql, [...command.params])).rows);
      subscribers = await fillV6(async (sql, params) => {
        let n = 0;
        await client.query(sql.replace(/\?/g, () => `$${++n}`), params);
      });
    } finally {
      await client.end();
    }
    await expectMigrated(url, subscribers);
  });
});
