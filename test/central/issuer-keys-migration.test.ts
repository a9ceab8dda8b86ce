/**
 * Migration 9 (old certificates keyed by issuer key and serial) on a populated centre, SQLite and
 * PostgreSQL: filled at schema 8, migrated, nothing lost; the renewal made before is given its
 * old CA's key when the centre starts, and still stops a second renewal of its certificate; the
 * registry row and order from before still stand for their serial.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import pg from 'pg';
import { MIGRATIONS } from '../../src/central/storage/migrations.js';
import { openCentralStore } from '../../src/central/storage/open.js';
import { POSTGRES_MIGRATIONS } from '../../src/central/storage/statements.js';
import { migrate, migrateSqlite } from '../../src/sql/migrate.js';
import { issueSubscriber } from '../../src/demo/pki.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { makeCentralWorld, NOW, sqlitePath, startCentre, type CentralWorld, type Subscriber } from './fixtures.js';

let world: CentralWorld;
let postgres: TestPostgres | undefined;
beforeAll(async () => {
  world = await makeCentralWorld();
}, 60_000);
afterAll(async () => {
  await postgres?.stop();
});

const V8 = MIGRATIONS.filter((m) => m.version <= 8);
type Exec = (sql: string, params: unknown[]) => Promise<unknown[]>;

interface Filled {
  readonly renewed: Subscriber;
  readonly ordered: Subscriber;
  /** The certificate the new CA issued for `renewed` before the upgrade. */
  readonly issuedSerial: string;
}

/** A centre as schema 8 left it: two registry rows, an order, two certificates, a renewal and its claim. */
async function fillV8(exec: Exec): Promise<Filled> {
  const renewed = await world.subscriber('Renewed Before Co');
  const ordered = await world.subscriber('Ordered Before Co');
  const at = NOW.toISOString();
  await exec(`INSERT INTO kiosks (id, province, channel, created_at, enrolled_at) VALUES ('OLD-1', 'HN', 'counter', ?, ?)`, [at, at]);
  for (const s of [renewed, ordered]) {
    await exec(
      `INSERT INTO subscribers (serial, tax_code, contract_end, status, province, version, updated_at, hardware_version) VALUES (?, ?, '2022-12-31', 'active', 'HN', 1, ?, 'v4')`,
      [s.serial, world.record(s).taxCode, at],
    );
    await exec('INSERT INTO certificates (serial, der, added_at) VALUES (?, ?, ?)', [s.serial, Buffer.from(s.der).toString('base64'), at]);
  }
  await exec(`UPDATE meta SET value = 1 WHERE name = 'registry_version'`, []);
  await exec(`INSERT INTO paid_orders (serial, order_id, paid_until, paid_at, imported_at) VALUES (?, 'GH-1', '2023-06-30', NULL, ?)`, [ordered.serial, at]);
  const issued = await issueSubscriber(world.pki.newCa, {
    subject: { commonName: 'Renewed Before Co', taxCode: world.record(renewed).taxCode, province: 'Hà Nội' },
    spki: new Uint8Array(renewed.certificate.publicKey.rawData),
    notBefore: NOW,
    notAfter: new Date('2022-12-31T16:59:59Z'),
  });
  const issuedSerial = issued.serialNumber.toLowerCase().replace(/^0+/, '');
  await exec(
    `INSERT INTO renewals (old_serial, old_certificate_hash, kiosk_id, idempotency_key, request_hash, serial, certificate, not_before, not_after,
       issued_at, issued_day, province, channel, hardware_version, token_serial, token_manufacturer, token_model, operator)
     VALUES (?, 'h', 'OLD-1', 'k1', 'r', ?, ?, ?, '2022-12-31T16:59:59.000Z', ?, '2020-06-01', 'HN', 'counter', 'v4', 'T', 'Feitian', 'ePass2003', 'nv')`,
    [renewed.serial, issuedSerial, Buffer.from(issued.rawData).toString('base64'), at, at],
  );
  await exec(
    `INSERT INTO renewal_claims (old_serial, kiosk_id, idempotency_key, request_hash, claimed_at, serial) VALUES (?, 'OLD-1', 'k1', 'r', ?, ?)`,
    [renewed.serial, at, issuedSerial],
  );
  return { renewed, ordered, issuedSerial };
}

async function expectMigrated(db: string, read: (sql: string) => Promise<Record<string, unknown>[]>, filled: Filled): Promise<void> {
  const oldKey = world.campaigns.campaigns[0].oldCa.keyId;
  const { renewed, ordered, issuedSerial } = filled;
  // Opened (migrated), before any centre started on it: rows name no key and stand for every key.
  const store = await openCentralStore(db, NOW);
  try {
    expect(await store.subscriber({ issuerKeyId: oldKey, serial: ordered.serial })).toEqual({
      serial: ordered.serial,
      taxCode: world.record(ordered).taxCode,
      contractEnd: '2022-12-31',
      status: 'active',
      province: 'HN',
      hardwareVersion: 'v4',
      paidOrder: { orderId: 'GH-1', paidUntil: '2023-06-30', paidAt: null },
    });
    const before = await store.renewalOf({ issuerKeyId: 'ab'.repeat(20), serial: renewed.serial });
    expect(before).toMatchObject({ issuerKeyId: '', oldSerial: renewed.serial, serial: issuedSerial, kioskId: 'OLD-1', hardwareVersion: 'v4' });
    expect((await store.certificates()).length).toBe(2);
    expect((await store.registrySince(0)).version).toBe(1);
  } finally {
    await store.close();
  }

  // A centre starting on it gives the renewal and the certificates their old CA's key.
  const centre = await startCentre(world, db);
  try {
    expect(await read('SELECT issuer_key, old_serial, serial FROM renewals')).toEqual([{ issuer_key: oldKey, old_serial: renewed.serial, serial: issuedSerial }]);
    expect(await read('SELECT issuer_key, serial FROM renewal_claims')).toEqual([{ issuer_key: oldKey, serial: issuedSerial }]);
    expect((await read('SELECT issuer_key FROM certificates')).map((r) => r.issuer_key)).toEqual([oldKey, oldKey]);
    const store = centre.running.services.store;
    expect(await store.renewalOf({ issuerKeyId: 'ab'.repeat(20), serial: renewed.serial })).toBeNull();
    const kiosk = await centre.kiosk('NEW-1');
    // The renewal from before still holds its certificate: no second one …
    const again = await kiosk.renew(world.request(renewed, await world.csr(renewed)));
    expect(again.status).toBe('already-renewed');
    expect(again.renewal.serial).toBe(issuedSerial);
    // … and the order from before still extends its certificate's renewal.
    const paid = await kiosk.renew(world.request(ordered, await world.csr(ordered)));
    expect(paid.status).toBe('issued');
    expect(paid.renewal.notAfter).toBe('2023-06-30T16:59:59.000Z');
    const report = await centre.running.services.store.renewalCounts();
    expect(report.reduce((n, c) => n + c.count, 0)).toBe(2);
  } finally {
    await centre.running.close();
  }
}

describe('a populated centre migrated to issuer keys', () => {
  it('on SQLite', async () => {
    const path = sqlitePath(world, 'issuer-keys');
    const db = new Database(path);
    migrateSqlite(db, V8, NOW.toISOString());
    const filled = await fillV8(async (sql, params) => {
      db.prepare(sql).run(...params);
      return [];
    });
    db.close();
    const read = async (sql: string) => {
      const r = new Database(path, { readonly: true });
      try {
        return r.prepare(sql).all() as Record<string, unknown>[];
      } finally {
        r.close();
      }
    };
    await expectMigrated(path, read, filled);
  });

  it('on PostgreSQL', async () => {
    postgres ??= await startPostgres();
    const url = await postgres.newDatabase();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await migrate(POSTGRES_MIGRATIONS, V8, NOW.toISOString(), async (command) => (await client.query(command.sql, [...command.params])).rows);
      const filled = await fillV8(async (sql, params) => {
        let n = 0;
        return (await client.query(sql.replace(/\?/g, () => `$${++n}`), params)).rows;
      });
      await expectMigrated(url, async (sql) => (await client.query(sql)).rows, filled);
    } finally {
      await client.end();
    }
  });
});
