/**
 * The progress figures (src/central/progress) on a real centre, SQLite and PostgreSQL: equal to a
 * straightforward recomputation (recompute.ts) on a populated centre, now and later; limited to a
 * scope of provinces; moved by a renewal, a kiosk's sync and a registry change; the customers
 * still to renew paged and streamed; stale kiosks; and an existing centre's data counted when
 * it is migrated.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Campaign } from '../../src/campaign/campaign.js';
import { campaignSet } from '../../src/campaign/campaigns.js';
import type { Overview } from '../../src/central/api.js';
import {
  allRemainingCustomers,
  overview,
  provinceProgress,
  remainingCustomers,
  staleKiosks,
  type ProgressSource,
  type Scope,
} from '../../src/central/progress/index.js';
import { buildReport } from '../../src/central/report.js';
import { MIGRATIONS } from '../../src/central/storage/migrations.js';
import { openCentralStore } from '../../src/central/storage/open.js';
import { POSTGRES_MIGRATIONS } from '../../src/central/storage/statements.js';
import type { CentralStore } from '../../src/central/storage/store.js';
import { seal, ZERO_HASH, type JournalEvent } from '../../src/journal/format.js';
import { migrate, migrateSqlite } from '../../src/sql/migrate.js';
import type { CentralClient } from '../../src/sync/client.js';
import { centralDatabases, makeCentralWorld, NOW, sqlitePath, startCentre, type Centre, type CentralWorld, type Subscriber } from './fixtures.js';
import { execAll, recompute, rowsOf as rowsOfDb } from './recompute.js';

let world: CentralWorld;
beforeAll(async () => {
  world = await makeCentralWorld();
}, 60_000);
const databases = centralDatabases(() => world);

/** After every contract's end: nothing is left to grant, so nothing remains. */
const LATER = new Date('2023-01-01T00:00:00Z');

const figures = (o: Overview) => ({
  total: o.total,
  byProvince: o.byProvince,
  byHardwareVersion: o.byHardwareVersion,
  byChannel: o.byChannel,
  renewalsPerDay: o.renewalsPerDay,
});

async function expectRecomputed(source: ProgressSource, now: Date, scope: Scope = 'all'): Promise<Overview> {
  const counted = await overview(source, scope, now);
  const { remainingSerials: _, ...want } = await recompute(source.store, source.campaigns.campaigns[0], now, scope);
  expect(figures(counted)).toEqual(want);
  return counted;
}

/** A kiosk's journal as it grows: each event linked to the one before. */
function journal(client: CentralClient) {
  let seq = 0;
  let prevHash = ZERO_HASH;
  return async (serial: string, at: string, reasons: string[]) => {
    const e: JournalEvent = seal({
      seq: ++seq,
      at,
      type: 'check.decided',
      operator: 'nv.lan',
      data: { tokenSerial: 'T', certificateSerial: serial, campaign: 'viettel-ca-2020', eligible: reasons.length === 0, reasons },
      prevHash,
    });
    prevHash = e.hash;
    await client.events([e]);
  };
}

describe.each(databases.backends)('progress figures on $name', (backend) => {
  let centre: Centre;
  let source: ProgressSource;
  let store: CentralStore;
  let hn: CentralClient;
  let hcm: CentralClient;
  let hnJournal: ReturnType<typeof journal>;
  let hcmJournal: ReturnType<typeof journal>;
  const s: Record<string, Subscriber> = {};

  let db: string;
  // Each test its own centre on the same fixture: some tests move the figures, and the run is shuffled.
  beforeEach(async () => {
    centre = await startCentre(world, (db = await backend.db('progress')));
    source = centre.running.services;
    store = source.store;
    hn = await centre.kiosk('P-HN', { province: 'HN', channel: 'counter' });
    hcm = await centre.kiosk('P-HCM', { province: 'HCM', channel: 'field' });
    await centre.kiosk('P-DN', { province: 'DN', channel: 'self' });
    hnJournal = journal(hn);
    hcmJournal = journal(hcm);
    for (const name of ['a1', 'a2', 'a3', 'a4', 'revoked', 'short', 'b1', 'b2', 'b3', 'c1', 'nowhere', 'unknown']) s[name] = await world.subscriber(`Progress ${name}`);
    s.other = await world.subscriber('Progress other', { issuer: 'other' });
    const r = world.record;
    await store.importRegistry(
      [
        r(s.a1!), r(s.a2!, { hardwareVersion: 'v4' }), r(s.a3!, { hardwareVersion: 'v2' }), r(s.a4!),
        r(s.revoked!, { status: 'revoked' }),
        r(s.short!, { contractEnd: '2020-09-01' }),
        r(s.b1!, { province: 'HCM' }), r(s.b2!, { province: 'HCM' }), r(s.b3!, { province: 'HCM', contractEnd: '2021-03-31' }),
        r(s.c1!, { province: 'DN' }),
        r(s.nowhere!, { province: null }),
        r(s.other!),
      ],
      NOW.toISOString(),
    );
    await store.addCertificates(Object.values(s).map((x) => ({ serial: x.serial, der: x.der })), NOW.toISOString());
    await hn.renew(world.request(s.a1!, await world.csr(s.a1!)));
    await hcm.renew(world.request(s.b1!, await world.csr(s.b1!), { channel: 'field', token: { serial: 'T2', manufacturer: 'Bit4id', model: 'miniLector', hardwareVersion: '2.1' } }));
    await expect(hn.renew(world.request(s.revoked!, await world.csr(s.revoked!)))).rejects.toMatchObject({ code: 'NOT_ELIGIBLE' });
    await hnJournal(s.a2!.serial, '2020-06-01T02:00:00.000Z', ['TAX_CODE_MISMATCH']);
    await hnJournal(s.b2!.serial, '2020-06-01T02:00:01.000Z', ['NOT_CAPPED', 'TAX_CODE_MISMATCH']);
    await hnJournal(s.unknown!.serial, '2020-06-01T02:00:02.000Z', ['UNKNOWN_SUBSCRIBER']);
    // A later decision wins: a2 is no longer refused.
    await hcmJournal(s.a2!.serial, '2020-06-01T02:30:00.000Z', []);
  }, 120_000);
  afterEach(() => centre.running.close());

  it('counts what a straightforward recomputation finds, now, part way and once nothing is left to grant', async () => {
    const now = await expectRecomputed(source, NOW);
    // The fixture above, read by hand: a2, a3, a4 remain in HN (a1 renewed), b2 and b3 in HCM, c1 in DN, `nowhere` in '-'.
    expect(now.total).toMatchObject({ eligibleKnown: 9, renewed: 2, remaining: 7 });
    // The centre refused `revoked`; a kiosk refused `unknown` (no registry row: the kiosk's province).
    expect(now.byProvince.find((g) => g.key === 'HN')).toEqual({
      key: 'HN', eligibleKnown: 4, renewed: 1, remaining: 3, refused: { REVOKED: 1, UNKNOWN_SUBSCRIBER: 1 },
    });
    expect(now.byProvince.find((g) => g.key === 'HCM')).toEqual({
      key: 'HCM', eligibleKnown: 3, renewed: 1, remaining: 2, refused: { NOT_CAPPED: 1, TAX_CODE_MISMATCH: 1 },
    });
    expect(now.byHardwareVersion.find((g) => g.key === '1.0')).toMatchObject({ renewed: 1, refused: { REVOKED: 1 } });
    expect(now.byChannel.map((g) => [g.key, g.renewed])).toEqual([['counter', 1], ['field', 1]]);
    expect(now.renewalsPerDay).toEqual([{ date: '2020-06-01', renewed: 2 }]);
    // The plan opens renewal by hardware version: in March only v4's (a2), in April v2's too (a3).
    expect((await expectRecomputed(source, new Date('2020-03-15T03:00:00Z'))).byProvince.find((g) => g.key === 'HN')).toMatchObject({ remaining: 1 });
    expect((await expectRecomputed(source, new Date('2020-04-15T03:00:00Z'))).byProvince.find((g) => g.key === 'HN')).toMatchObject({ remaining: 2 });
    // b3's contract ends on 31/03/2021: after it, b3 no longer counts; after every contract, none remain.
    expect((await expectRecomputed(source, new Date('2021-06-01T00:00:00Z'))).byProvince.find((g) => g.key === 'HCM')).toMatchObject({ remaining: 1 });
    expect((await expectRecomputed(source, LATER)).total).toMatchObject({ eligibleKnown: 2, renewed: 2, remaining: 0 });
    // GET /v1/report is the same overview, with the kiosks.
    const reply = await (await centre.kiosk('P-REPORT', { role: 'report' })).report();
    expect(figures(reply)).toEqual(figures(now));
    expect(reply.kiosks.find((k) => k.id === 'P-HN')).toMatchObject({ acknowledgedSeq: 3, events: 3, gaps: [], chainOk: true, notSyncedSeconds: 0 });
  });

  /** Rows of the centre's own database, whichever it is. */
  const rowsOf = (sql: string) => rowsOfDb(db, sql);

  it('counts each window from its first instant to its last, at whatever level of time a read falls', async () => {
    await expectRecomputed(source, NOW);
    const edges = new Set<string>();
    for (const r of await rowsOf('SELECT eligible_from, eligible_until FROM certificates WHERE eligible_until IS NOT NULL')) {
      edges.add(String(r.eligible_from));
      edges.add(String(r.eligible_until));
    }
    // Openings by hardware version and ends of grant: several distinct instants, each read at, just before and just after.
    expect(edges.size).toBeGreaterThanOrEqual(3);
    for (const edge of edges) {
      for (const ms of [-1, 0, 1, -86_400_000, 86_400_000]) await expectRecomputed(source, new Date(Date.parse(edge) + ms));
    }
  });

  it('keeps the counts a recount from the certificates\' standings finds (what migration 11 writes)', async () => {
    await expectRecomputed(source, NOW);
    const edges = "SELECT kind, province, a, b, n FROM progress_counts WHERE (kind LIKE 'edge%' OR kind = 'known') AND n <> 0 ORDER BY kind, province, a, b";
    const kept = await rowsOf(edges);
    const step = MIGRATIONS.find((m) => m.version === 11)!;
    const recount = step.statements.filter((statement) => !statement.startsWith('CREATE INDEX'));
    await execAll(db, ["DELETE FROM progress_counts WHERE kind LIKE 'edge%'", ...recount]);
    const asText = (rows: Record<string, unknown>[]) => rows.map((r) => [r.kind, r.province, r.a, r.b, Number(r.n)]);
    expect(asText(await rowsOf(edges))).toEqual(asText(kept));
    expect(kept.some((r) => String(r.kind) === 'edgeDay')).toBe(true);
  });

  it('reads only the provinces of its scope', async () => {
    const hnOnly = await expectRecomputed(source, NOW, ['HN']);
    expect(hnOnly.byProvince.map((g) => g.key)).toEqual(['HN']);
    expect(hnOnly.total).toMatchObject({ eligibleKnown: 4, renewed: 1, remaining: 3 });
    expect(hnOnly.byHardwareVersion.map((g) => g.key)).toEqual(['1.0']);
    expect(hnOnly.byChannel.map((g) => g.key)).toEqual(['counter']);
    const south = await expectRecomputed(source, NOW, ['HCM', 'DN']);
    expect(south.byProvince.map((g) => g.key)).toEqual(['DN', 'HCM']);
    const none = await expectRecomputed(source, NOW, []);
    expect(none.total).toEqual({ key: 'total', eligibleKnown: 0, renewed: 0, remaining: 0, refused: {} });

    const page = await provinceProgress(source, 'HCM', NOW);
    expect(page.total).toEqual({ ...south.byProvince.find((g) => g.key === 'HCM')!, key: 'HCM' });
    expect(page.kiosks.map((k) => [k.id, k.province, k.channel])).toEqual([['P-HCM', 'HCM', 'field']]);
    expect(page.kiosks[0]).toMatchObject({ acknowledgedSeq: 1, events: 1, lastSeenAt: NOW.toISOString(), notSyncedSeconds: 0 });
    expect(page.renewalsPerDay).toEqual([{ date: '2020-06-01', renewed: 1 }]);
    // Through the API too.
    await centre.kiosk('P-HCM-2', { province: 'HCM' });
    const { credential } = await centre.enrolled('P-REPORT-2', { role: 'report', province: 'HCM' });
    const response = await fetch(`${centre.url}/v1/report/provinces/HCM`, { headers: { authorization: `Bearer ${credential}` } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as typeof page;
    expect(body.total).toEqual(page.total);
    expect(body.kiosks.map((k) => k.id)).toEqual(['P-HCM', 'P-HCM-2']);
  });

  it('lists the customers still to renew, paged and streamed, with tax code and contract end', async () => {
    const want = (await recompute(store, source.campaigns.campaigns[0], NOW, ['HN'])).remainingSerials.get('HN')!;
    expect(want).toHaveLength(3);
    const paged: string[] = [];
    for (let after: string | null = ''; after !== null; ) {
      const page: Awaited<ReturnType<typeof remainingCustomers>> = await remainingCustomers(source, 'HN', NOW, { after, limit: 2 });
      expect(page.customers.length).toBeLessThanOrEqual(2);
      paged.push(...page.customers.map((c) => c.serial));
      after = page.next;
    }
    expect(paged).toEqual(want);
    const streamed = [];
    for await (const c of allRemainingCustomers(source, 'HN', NOW)) streamed.push(c);
    expect(streamed.map((c) => c.serial)).toEqual(want);
    const a3 = streamed.find((c) => c.serial === s.a3!.serial)!;
    expect(a3).toEqual({ serial: s.a3!.serial, taxCode: world.record(s.a3!).taxCode, contractEnd: '2022-12-31', eligibleUntil: '2022-12-31T16:59:59.000Z' });
    expect((await remainingCustomers(source, 'HN', LATER)).customers).toEqual([]);
  });

  it('moves with a renewal, a kiosk sync and a registry change', async () => {
    const before = await overview(source, ['HN'], NOW);
    await hn.renew(world.request(s.a3!, await world.csr(s.a3!)));
    const renewed = await expectRecomputed(source, NOW);
    expect(renewed.byProvince.find((g) => g.key === 'HN')).toMatchObject({
      eligibleKnown: before.total.eligibleKnown, renewed: before.total.renewed + 1, remaining: before.total.remaining! - 1,
    });
    expect((await remainingCustomers(source, 'HN', NOW)).customers.map((c) => c.serial)).not.toContain(s.a3!.serial);

    await hcmJournal(s.c1!.serial, '2020-06-01T02:40:00.000Z', ['SUSPENDED']);
    expect((await expectRecomputed(source, NOW)).byProvince.find((g) => g.key === 'DN')?.refused).toEqual({ SUSPENDED: 1 });
    // A stale decision (earlier than the stored one) changes nothing.
    await hnJournal(s.c1!.serial, '2020-06-01T02:39:00.000Z', []);
    expect((await expectRecomputed(source, NOW)).byProvince.find((g) => g.key === 'DN')?.refused).toEqual({ SUSPENDED: 1 });

    // A paid extension for a2 keeps it eligible past every contract's end.
    await store.importOrders([{ serial: s.a2!.serial, orderId: 'ORD-1', paidUntil: '2023-06-30', paidAt: null }], NOW.toISOString());
    expect((await expectRecomputed(source, LATER)).byProvince.find((g) => g.key === 'HN')).toMatchObject({ remaining: 1 });

    // c1 moves to HN and a4 is revoked: its certificate and its refusal follow it.
    await store.importRegistry([world.record(s.c1!, { province: 'HN' }), world.record(s.a4!, { status: 'revoked' })], NOW.toISOString());
    const moved = await expectRecomputed(source, NOW);
    expect(moved.byProvince.find((g) => g.key === 'DN')).toBeUndefined();
    expect(moved.byProvince.find((g) => g.key === 'HN')).toMatchObject({ refused: { SUSPENDED: 1 } });
    expect((await remainingCustomers(source, 'HN', NOW)).customers.map((c) => c.serial)).toEqual([s.a2!.serial, s.c1!.serial].sort());
  });

  it('lists kiosks not synced for longer than the limit, within the scope', async () => {
    await centre.kiosk('P-HCM-2', { province: 'HCM' }); // enrolled, never synced
    await store.kioskSeen('P-HCM', new Date(NOW.getTime() - 2 * 3600_000).toISOString());
    const stale = await staleKiosks(source, 'all', NOW, 3600);
    expect(stale.map((k) => [k.id, k.notSyncedSeconds])).toEqual([
      ['P-DN', null],
      ['P-HCM-2', null],
      ['P-HCM', 7200],
    ]);
    expect((await staleKiosks(source, ['HN'], NOW, 3600)).map((k) => k.id)).toEqual([]);
    expect((await staleKiosks(source, ['HCM'], NOW, 3 * 3600)).map((k) => k.id)).toEqual(['P-HCM-2']);
  });

  it('decides every certificate again for another campaign, and back', async () => {
    const other: Campaign = { ...source.campaigns.campaigns[0], capDate: '2020-10-03' };
    const moved = await expectRecomputed({ store, campaigns: campaignSet([other]) }, NOW);
    expect(moved.total.remaining).toBe(0);
    await expectRecomputed(source, NOW);
  });
});

/** A centre's schema as the build before the progress counts left it, with data in it. */
const V3 = MIGRATIONS.filter((m) => m.version <= 3);

async function fillV3(exec: (sql: string, params: unknown[]) => Promise<void>, subscribers: Subscriber[]): Promise<void> {
  const [a, b, c, d] = subscribers as [Subscriber, Subscriber, Subscriber, Subscriber];
  const at = NOW.toISOString();
  await exec(`INSERT INTO kiosks (id, province, channel, created_at, enrolled_at, acknowledged_seq, last_seen_at) VALUES ('OLD-1', 'HN', 'counter', ?, ?, 2, ?)`, [at, at, at]);
  for (const [x, province, status] of [[a, 'HN', 'active'], [b, 'HN', 'active'], [c, 'HCM', 'active'], [d, 'HN', 'revoked']] as const) {
    await exec(`INSERT INTO subscribers (serial, tax_code, contract_end, status, province, version, updated_at) VALUES (?, ?, '2022-12-31', ?, ?, 1, ?)`, [
      x.serial, world.record(x).taxCode, status, province, at,
    ]);
    await exec('INSERT INTO certificates (serial, der, added_at) VALUES (?, ?, ?)', [x.serial, Buffer.from(x.der).toString('base64'), at]);
  }
  await exec(
    `INSERT INTO renewals (old_serial, old_certificate_hash, kiosk_id, idempotency_key, request_hash, serial, certificate, not_before, not_after,
       issued_at, issued_day, province, channel, hardware_version, token_serial, token_manufacturer, token_model, operator)
     VALUES (?, 'h', 'OLD-1', 'k1', 'r', 'new1', 'MA==', ?, ?, ?, '2020-06-01', 'HN', 'counter', '1.0', 'T', 'Feitian', 'ePass2003', 'nv')`,
    [a.serial, at, at, at],
  );
  await exec(`INSERT INTO refusals (kiosk_id, idempotency_key, request_hash, old_serial, province, channel, hardware_version, refused_at)
     VALUES ('OLD-1', 'k2', 'r', ?, 'HN', 'counter', '3.0', ?)`, [d.serial, at]);
  await exec(`INSERT INTO refusal_reasons (kiosk_id, idempotency_key, reason) VALUES ('OLD-1', 'k2', 'REVOKED')`, []);
  await exec(`INSERT INTO decisions (certificate_serial, kiosk_id, seq, at, eligible, reasons) VALUES (?, 'OLD-1', 0, ?, 0, '["REVOKED"]')`, [d.serial, at]);
  await exec(`INSERT INTO decisions (certificate_serial, kiosk_id, seq, at, eligible, reasons) VALUES (?, 'OLD-1', 1, ?, 0, '["TAX_CODE_MISMATCH"]')`, [c.serial, at]);
  let prevHash = ZERO_HASH;
  for (const seq of [1, 2]) {
    const e = seal({ seq, at, type: 'check.decided', operator: null, data: { certificateSerial: c.serial, eligible: false, reasons: ['TAX_CODE_MISMATCH'] }, prevHash });
    await exec(`INSERT INTO kiosk_events (kiosk_id, seq, at, type, operator, data, prev_hash, hash, received_at) VALUES ('OLD-1', ?, ?, ?, NULL, ?, ?, ?, ?)`, [
      seq, e.at, e.type, JSON.stringify(e.data), e.prevHash, e.hash, at,
    ]);
    prevHash = e.hash;
  }
}

describe('an existing centre migrated to the progress counts', () => {
  let subscribers: Subscriber[];
  beforeAll(async () => {
    subscribers = await Promise.all(['m1', 'm2', 'm3', 'm4'].map((n) => world.subscriber(`Migrated ${n}`)));
  });

  async function expectCounted(db: string): Promise<void> {
    const store = await openCentralStore(db, NOW);
    try {
      const source = { store, campaigns: world.campaigns };
      const counted = await expectRecomputed(source, NOW);
      expect(counted.total).toEqual({ key: 'total', eligibleKnown: 3, renewed: 1, remaining: 2, refused: { REVOKED: 1, TAX_CODE_MISMATCH: 1 } });
      expect(counted.byHardwareVersion).toEqual([{ key: '1.0', eligibleKnown: null, renewed: 1, remaining: null, refused: {} }, { key: '3.0', eligibleKnown: null, renewed: 0, remaining: null, refused: { REVOKED: 1 } }]);
      const report = await buildReport(store, world.campaigns, NOW);
      expect(report.kiosks).toEqual([expect.objectContaining({ id: 'OLD-1', acknowledgedSeq: 2, events: 2, chainOk: true })]);
    } finally {
      await store.close();
    }
  }

  it('on SQLite', async () => {
    const path = sqlitePath(world, 'migrated');
    const db = new Database(path);
    migrateSqlite(db, V3, NOW.toISOString());
    await fillV3(async (sql, params) => void db.prepare(sql).run(...params), subscribers);
    db.close();
    await expectCounted(path);
  });

  it('on PostgreSQL', async () => {
    const url = await databases.postgres();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await migrate(POSTGRES_MIGRATIONS, V3, NOW.toISOString(), async (command) => (await client.query(command.sql, [...command.params])).rows);
      await fillV3(async (sql, params) => {
        let n = 0;
        await client.query(sql.replace(/\?/g, () => `$${++n}`), params);
      }, subscribers);
    } finally {
      await client.end();
    }
    await expectCounted(url);
  });
});
