/**
 * The kiosk's store step 8 on a populated store: filled at step 7, opened (migrated), its
 * registry rows and renewals all there; rows from before name no key and stand for their serial
 * under any key until a row of the certificate's own key comes; a renewal is found by its old
 * certificate's bytes, so another wave's certificate with the same serial is not taken for it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrateSqlite } from '../src/sql/migrate.js';
import { findSubscriber, upsertRegistry } from '../src/store/registry.js';
import { renewalFor } from '../src/store/renewals.js';
import { MIGRATIONS, openStore } from '../src/store/store.js';

const AT = '2024-05-20T03:00:00.000Z';
const KEY_2020 = '11'.repeat(20);
const KEY_2024 = '22'.repeat(20);

describe('a populated kiosk store migrated to issuer keys', () => {
  it('keeps every row, and tells two waves\' certificates of one serial apart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'capbu-store-keys-'));
    const before = new Database(join(dir, 'capbu.db'));
    migrateSqlite(before, MIGRATIONS.filter((m) => m.version <= 7), AT);
    const row = before.prepare(
      `INSERT INTO registry (serial, tax_code, contract_end, status, province, updated_at, hardware_version, order_id, paid_until, paid_at)
       VALUES (?, ?, ?, 'active', 'HN', ?, ?, ?, ?, NULL)`,
    );
    row.run('a1', '0100000001', '2022-12-31', AT, 'v4', 'GH-9', '2023-06-30');
    row.run('b2', '0100000002', '2023-03-31', AT, null, null, null);
    before
      .prepare(
        `INSERT INTO renewals (idempotency_key, token_serial, old_serial, old_certificate, request, renewal_not_after, state, created_at, updated_at)
         VALUES ('k1', 'TK1', 'a1', ?, '{}', '2022-12-31T16:59:59.000Z', 'requested', ?, ?)`,
      )
      .run(Buffer.from('old certificate of wave 2020'), AT, AT);
    before.close();

    const db = openStore(dir);
    try {
      expect(db.prepare('SELECT COUNT(*) AS n FROM registry').get()).toEqual({ n: 2 });
      // A row from before stands for its serial whichever wave's key asks.
      for (const issuerKeyId of [KEY_2020, KEY_2024, '']) {
        expect(findSubscriber(db, { issuerKeyId, serial: 'a1' })).toEqual({
          serial: 'a1',
          taxCode: '0100000001',
          contractEnd: '2022-12-31',
          status: 'active',
          province: 'HN',
          hardwareVersion: 'v4',
          paidOrder: { orderId: 'GH-9', paidUntil: '2023-06-30', paidAt: null },
        });
      }
      // The centre's rows now name their key: the 2024 wave's a1 is another customer.
      upsertRegistry(db, [{ serial: 'a1', issuerKeyId: KEY_2024, taxCode: '0200000024', contractEnd: '2024-07-10', status: 'active', province: 'HCM' }], new Date(AT));
      expect(findSubscriber(db, { issuerKeyId: KEY_2024, serial: 'a1' })).toMatchObject({ issuerKeyId: KEY_2024, taxCode: '0200000024' });
      expect(findSubscriber(db, { issuerKeyId: KEY_2020, serial: 'a1' })).toMatchObject({ taxCode: '0100000001' });
      expect(findSubscriber(db, { issuerKeyId: KEY_2024, serial: 'b2' })).toMatchObject({ taxCode: '0100000002' });

      expect(renewalFor(db, [Buffer.from('old certificate of wave 2020')])).toMatchObject({ oldSerial: 'a1', idempotencyKey: 'k1', state: 'requested' });
      expect(renewalFor(db, [Buffer.from('old certificate of wave 2024, serial a1 too')])).toBeNull();
      // The 2024 wave's a1 can be renewed beside it: one renewal per old certificate, not per serial.
      db.prepare(
        `INSERT INTO renewals (idempotency_key, token_serial, old_serial, old_certificate, request, renewal_not_after, state, created_at, updated_at)
         VALUES ('k2', 'TK2', 'a1', ?, '{}', '2024-07-10T16:59:59.000Z', 'requested', ?, ?)`,
      ).run(Buffer.from('old certificate of wave 2024, serial a1 too'), AT, AT);
      expect(() =>
        db.prepare(
          `INSERT INTO renewals (idempotency_key, token_serial, old_serial, old_certificate, request, renewal_not_after, state, created_at, updated_at)
           VALUES ('k3', 'TK2', 'a1', ?, '{}', '2024-07-10T16:59:59.000Z', 'requested', ?, ?)`,
        ).run(Buffer.from('old certificate of wave 2024, serial a1 too'), AT, AT),
      ).toThrow(/UNIQUE/);
    } finally {
      db.close();
    }
  });
});
