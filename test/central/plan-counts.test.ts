/**
 * The rollout plan's kept counts (storage/progress-plans.ts planStandingCounts) against the
 * straightforward recomputation from every eligible certificate and renewal (recompute.ts), on
 * SQLite and PostgreSQL, after a seeded random mix of writes: registry rows added and changed
 * (hardware version, contract, status), certificates made known before and after their renewal,
 * renewals through counter, field and self-service kiosks with tokens of every version, paid
 * orders, and the clock moving through the plan's phases; read at the clock and at the edges of
 * the grants. Then the counts migration 12 writes from the stored rows equal the kept ones.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SubscriberRecord } from '../../src/campaign/registry.js';
import { isCapbuError } from '../../src/errors.js';
import { buildReport } from '../../src/central/report.js';
import { MIGRATIONS } from '../../src/central/storage/migrations.js';
import type { CentralClient } from '../../src/sync/client.js';
import { seeded } from '../support/fault-proxy.js';
import { centralDatabases, makeCentralWorld, startCentre, type Centre, type CentralWorld, type Subscriber } from './fixtures.js';
import { execAll, recomputeCampaignLines, rowsOf } from './recompute.js';

let world: CentralWorld;
beforeAll(async () => {
  world = await makeCentralWorld();
}, 60_000);
const databases = centralDatabases(() => world);

const VERSIONS = ['v2', 'v4', 'v5', '1.0', ' ', null] as const;
const TOKENS = ['v2', 'v4', 'v5', '3.0', ''] as const;
const CONTRACTS = ['2022-12-31', '2020-09-01', '2021-03-31', '2020-11-15'] as const;

describe.each(databases.backends)('the rollout plan counts on $name', (backend) => {
  let centre: Centre;
  let db: string;
  let clock: Date;

  beforeEach(async () => {
    clock = new Date('2020-03-01T00:00:00Z');
    db = await backend.db('plan-counts');
    centre = await startCentre(world, db, { now: () => clock });
  });
  afterEach(async () => {
    await centre?.running.close();
  });

  async function expectRecomputed(now: Date): Promise<void> {
    const { campaigns } = await buildReport(centre.running.services.store, world.campaigns, now);
    expect(campaigns).toEqual(await recomputeCampaignLines(db, world.campaigns, now));
  }

  it('equal a recomputation from every certificate and renewal after a random mix of writes, and what migration 12 counts', async () => {
    const rand = seeded(15_16);
    const pick = <T,>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
    const store = centre.running.services.store;
    const kiosks: CentralClient[] = [
      await centre.kiosk('PC-COUNTER', { channel: 'counter' }),
      await centre.kiosk('PC-FIELD', { channel: 'field' }),
      await centre.kiosk('PC-SELF', { channel: 'self' }),
    ];
    const people: { s: Subscriber; record: SubscriberRecord; known: boolean }[] = [];
    const record = (s: Subscriber): SubscriberRecord =>
      world.record(s, { hardwareVersion: pick(VERSIONS), contractEnd: pick(CONTRACTS), status: rand() < 0.1 ? 'revoked' : 'active', province: pick(['HN', 'HCM', 'DN']) });
    let renewed = 0;
    for (let step = 0; step < 60; step++) {
      // From 01/03 to past the last phase (30/09), a few days a step.
      clock = new Date(clock.getTime() + Math.floor(rand() * 5 + 1) * 86_400_000);
      const at = clock.toISOString();
      const r = rand();
      if (r < 0.3 || people.length < 3) {
        const s = await world.subscriber(`Plan counts ${step}`);
        const person = { s, record: record(s), known: rand() < 0.7 };
        people.push(person);
        await store.importRegistry([person.record], at);
        if (person.known) await store.addCertificates([{ serial: s.serial, der: s.der }], at);
      } else if (r < 0.45) {
        const person = pick(people);
        person.record = { ...record(person.s), province: person.record.province };
        await store.importRegistry([person.record], at);
      } else if (r < 0.55) {
        const person = pick(people.filter((p) => !p.known).concat(people[0]!));
        person.known = true;
        await store.addCertificates([{ serial: person.s.serial, der: person.s.der }], at);
      } else if (r < 0.9) {
        const person = pick(people);
        const token = { serial: `TK${step}`, manufacturer: 'Feitian', model: 'ePass2003', hardwareVersion: pick(TOKENS) };
        const result = await pick(kiosks)
          .renew(world.request(person.s, await world.csr(person.s), { token }))
          .catch((error: unknown) => {
            if (isCapbuError(error, 'NOT_ELIGIBLE') || isCapbuError(error, 'ALREADY_RENEWED')) return null;
            throw error;
          });
        if (result?.status === 'issued') renewed++;
      } else {
        const person = pick(people);
        await store.importOrders([{ serial: person.s.serial, orderId: `ORD-${step}`, paidUntil: pick(['2023-06-30', '2021-01-31']), paidAt: null }], at);
      }
      if (step % 6 === 5) await expectRecomputed(clock);
    }
    // And surely: a renewed certificate's registry row given another version, and one renewed unknown made known.
    const renewedSerials = new Set((await rowsOf(db, 'SELECT old_serial FROM renewals')).map((r) => String(r.old_serial)));
    const renewedKnown = people.find((p) => p.known && renewedSerials.has(p.s.serial))!;
    renewedKnown.record = { ...renewedKnown.record, hardwareVersion: renewedKnown.record.hardwareVersion === 'v5' ? 'v2' : 'v5' };
    await store.importRegistry([renewedKnown.record], clock.toISOString());
    await expectRecomputed(clock);
    const renewedUnknown = people.find((p) => !p.known && renewedSerials.has(p.s.serial))!;
    renewedUnknown.record = { ...renewedUnknown.record, hardwareVersion: 'v4' };
    await store.importRegistry([renewedUnknown.record], clock.toISOString());
    await store.addCertificates([{ serial: renewedUnknown.s.serial, der: renewedUnknown.s.der }], clock.toISOString());
    renewedUnknown.known = true;
    await expectRecomputed(clock);
    // The mix did what it is for: renewals by several versions, known and unknown certificates.
    expect(renewed).toBeGreaterThanOrEqual(5);
    expect(people.some((p) => !p.known) && people.some((p) => p.known)).toBe(true);
    const ends = await rowsOf(db, 'SELECT DISTINCT eligible_until FROM certificates WHERE eligible_until IS NOT NULL');
    expect(ends.length).toBeGreaterThanOrEqual(2);
    for (const { eligible_until } of ends) {
      for (const ms of [-1, 0, 1, -86_400_000, 86_400_000]) await expectRecomputed(new Date(Date.parse(String(eligible_until)) + ms));
    }

    // Migration 12 counts the same from the stored rows.
    const counts = 'SELECT kind, issuer_key, version, a, b, n FROM plan_counts WHERE n <> 0 ORDER BY kind, issuer_key, version, a, b';
    const asText = (rows: Record<string, unknown>[]) => rows.map((r) => [r.kind, r.issuer_key, r.version, r.a, r.b, Number(r.n)]);
    const kept = asText(await rowsOf(db, counts));
    expect(kept.some(([kind]) => kind === 'edgeDay')).toBe(true);
    const recount = [
      'DELETE FROM plan_counts',
      'UPDATE certificates SET plan_version = NULL',
      'UPDATE renewals SET plan_version = NULL',
      ...MIGRATIONS.find((m) => m.version === 12)!.statements.filter((statement) => !/^(ALTER|CREATE)/.test(statement)),
    ];
    await execAll(db, recount);
    expect(asText(await rowsOf(db, counts))).toEqual(kept);
  }, 240_000);
});
