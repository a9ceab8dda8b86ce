/**
 * The rollout plan and paid extensions at a real centre on loopback, on SQLite and PostgreSQL:
 * a version the plan has not opened refused with 422 at the phase's edges in Hanoi, a
 * supervisor's override signed by the centre's key let through and a forged one refused, orders
 * imported whole or not at all, re-imported to update, travelling to kiosks with the registry,
 * extending the renewal and capped (and warned about) past the new CA; the report's plan section.
 */
import { generateKeyPairSync, X509Certificate as NodeCertificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isCapbuError } from '../../src/errors.js';
import { signOverride } from '../../src/central/override.js';
import { runCapbu } from '../support/cli.js';
import { centralDatabases, makeCentralWorld, startCentre, type Centre, type CentralWorld, type Subscriber } from './fixtures.js';

let world: CentralWorld;
const overrideKeys = generateKeyPairSync('ed25519');
let overrideKeyPath: string;

beforeAll(async () => {
  world = await makeCentralWorld();
  overrideKeyPath = join(world.dir, 'override.key');
  writeFileSync(overrideKeyPath, overrideKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
});
const databases = centralDatabases(() => world);

/** The centre's clock, moved by each test: the plan's edges are instants in Hanoi. */
let clock = new Date('2020-03-31T16:59:59Z');

const token = (hardwareVersion: string) => ({ serial: 'TK0001', manufacturer: 'Feitian', model: 'ePass2003', hardwareVersion });

describe.each(databases.backends)('the rollout plan and paid orders on $name', (backend) => {
  let centre: Centre;
  let db: string;

  // Each test its own centre and database, so none leans on another's renewals (the run is shuffled).
  let n = 0;
  beforeEach(async () => {
    // Kiosks enrol with the centre's clock: before the earliest instant a test moves it to.
    clock = new Date('2020-03-01T00:00:00Z');
    db = await backend.db(`plan-${++n}`);
    centre = await startCentre(world, db, { now: () => clock, overrideKey: overrideKeys.publicKey });
  });
  afterEach(async () => {
    await centre?.running.close();
  });

  const registered = async (name: string, extra: Parameters<CentralWorld['record']>[1] = {}): Promise<Subscriber> => {
    const s = await world.subscriber(name);
    await centre.running.services.store.importRegistry([world.record(s, extra)], clock.toISOString());
    await centre.running.services.store.addCertificates([{ serial: s.serial, der: s.der }], clock.toISOString());
    return s;
  };
  const refusal = async (promise: Promise<unknown>) => {
    const error = await promise.catch((e: unknown) => e);
    expect(isCapbuError(error, 'NOT_ELIGIBLE')).toBe(true);
    return (error as { details: { reasons: string[]; status: number } }).details;
  };

  it('refuses v2 at 23:59:59 on 31/03 Hanoi time with 422 ROLLOUT_NOT_OPEN, and issues at 00:00 on 01/04', async () => {
    const kiosk = await centre.kiosk('edge-kiosk');
    const s = await world.subscriber('Phiên bản hai');
    await centre.running.services.store.importRegistry([world.record(s)], clock.toISOString());
    clock = new Date('2020-03-31T16:59:59Z');
    const csr = await world.csr(s);
    expect(await refusal(kiosk.renew(world.request(s, csr, { token: token('v2') })))).toMatchObject({ reasons: ['ROLLOUT_NOT_OPEN'], status: 422 });
    clock = new Date('2020-03-31T17:00:00Z');
    expect((await kiosk.renew(world.request(s, csr, { token: token('v2') }))).status).toBe('issued');
  });

  it("goes by the registry's hardware version, not the label the kiosk sends", async () => {
    const kiosk = await centre.kiosk('registry-version-kiosk');
    clock = new Date('2020-03-20T03:00:00Z');
    const v4 = await registered('Sổ đăng ký v4', { hardwareVersion: 'v4' });
    const v5 = await registered('Sổ đăng ký v5', { hardwareVersion: 'v5' });
    expect((await kiosk.renew(world.request(v4, await world.csr(v4), { token: token('v5') }))).status).toBe('issued');
    expect(await refusal(kiosk.renew(world.request(v5, await world.csr(v5), { token: token('v4') })))).toMatchObject({ reasons: ['ROLLOUT_NOT_OPEN'] });
  });

  it('lets a supervisor-signed override through and refuses a forged or expired one with 422', async () => {
    const kiosk = await centre.kiosk('override-kiosk', { channel: 'field' });
    clock = new Date('2020-03-20T03:00:00Z');
    const [good, forged, expired] = (await Promise.all(['Được phê duyệt', 'Giả mạo', 'Hết hạn'].map((n) => registered(n, { hardwareVersion: 'v2' })))) as [Subscriber, Subscriber, Subscriber];
    const issue = async (s: Subscriber, hours: number, key = overrideKeyPath) => {
      const result = await runCapbu(['central', 'override', 'issue', '--key', key, '--serial', s.serial, '--reason', 'KH cần ký tờ khai thuế gấp', '--hours', String(hours), '--campaign', world.campaignPath, '--now', clock.toISOString()]);
      expect(result.code, result.stderr).toBe(0);
      return result.stdout.trim().split('\n').at(-1)!;
    };
    expect((await kiosk.renew(world.request(good, await world.csr(good), { token: token('v2'), rolloutOverride: await issue(good, 24) }))).status).toBe('issued');

    const otherKey = join(world.dir, 'other-override.key');
    writeFileSync(otherKey, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    expect(await refusal(kiosk.renew(world.request(forged, await world.csr(forged), { token: token('v2'), rolloutOverride: await issue(forged, 24, otherKey) })))).toMatchObject({
      reasons: ['ROLLOUT_NOT_OPEN'],
      status: 422,
    });
    // Another certificate's override does not carry over.
    expect(await refusal(kiosk.renew(world.request(forged, await world.csr(forged), { token: token('v2'), rolloutOverride: await issue(good, 24) })))).toMatchObject({ status: 422 });
    const late = signOverride(overrideKeys.privateKey, { campaign: world.campaigns.campaigns[0].id, serial: expired.serial, reason: 'x', issuedAt: '2020-03-19T00:00:00.000Z', expiresAt: '2020-03-20T03:00:00.000Z' });
    expect(await refusal(kiosk.renew(world.request(expired, await world.csr(expired), { token: token('v2'), rolloutOverride: late })))).toMatchObject({ reasons: ['ROLLOUT_NOT_OPEN'] });
  });

  it('imports orders whole or not at all, re-imports to update, and sends them to kiosks with the registry', async () => {
    clock = new Date('2020-06-01T03:00:00Z');
    const kiosk = await centre.kiosk('orders-kiosk');
    const [paid, capped] = await Promise.all([registered('Gia hạn thường'), registered('Gia hạn quá CA mới')]);
    const before = (await kiosk.registry(0)).version;
    const file = (name: string, text: string) => {
      const path = join(world.dir, `${name}-${Math.random().toString(36).slice(2)}.csv`);
      writeFileSync(path, text);
      return path;
    };
    const cli = (path: string) => runCapbu(['central', 'orders', 'import', path, '--db', db, '--lang', 'en']);

    const bad = await cli(file('bad', `serial,orderId,paidUntil,paidAt\n${paid.serial},GH-100,2023-12-31,2020-05-20T10:00:00+07:00\n${capped.serial},GH-101,31/12/2025,\n`));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^capbu: ORDERS_INVALID: .*3:paidUntil/);
    expect((await kiosk.registry(before)).rows).toEqual([]);

    const good = await cli(file('good', `serial,orderId,paidUntil\n${paid.serial},GH-100,2023-06-30\n${capped.serial},GH-101,2025-12-31\n`));
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toMatch(/2 new, 0 updated, 0 unchanged/);
    const pulled = await kiosk.registry(before);
    expect(pulled.rows.find((r) => r.serial === paid.serial)?.paidOrder).toEqual({ orderId: 'GH-100', paidUntil: '2023-06-30', paidAt: null });

    const again = await cli(file('again', `serial,orderId,paidUntil,paidAt\n${paid.serial},GH-100,2023-12-31,2020-05-20T10:00:00+07:00\n${capped.serial},GH-101,2025-12-31,\n`));
    expect(again.stdout).toMatch(/0 new, 1 updated, 1 unchanged/);
    const updated = await kiosk.registry(pulled.version);
    expect(updated.rows.map((r) => [r.serial, r.paidOrder])).toEqual([[paid.serial, { orderId: 'GH-100', paidUntil: '2023-12-31', paidAt: '2020-05-20T03:00:00.000Z' }]]);

    // The renewal runs to the paid end; past the new CA (17/07/2024) it stops there.
    const one = await kiosk.renew(world.request(paid, await world.csr(paid)));
    expect(one.renewal.notAfter).toBe('2023-12-31T16:59:59.000Z');
    const two = await kiosk.renew(world.request(capped, await world.csr(capped)));
    expect(two.renewal.notAfter).toBe(world.campaigns.campaigns[0].newCa.facts.notAfter.toISOString());
    expect(Date.parse(new NodeCertificate(Buffer.from(two.renewal.certificate, 'base64')).validTo)).toBe(world.campaigns.campaigns[0].newCa.facts.notAfter.getTime());
  });

  it('reports per phase and hardware version, and the self-service share', async () => {
    const counter = await centre.kiosk('report-counter-kiosk');
    const field = await centre.kiosk('report-field-kiosk', { channel: 'field' });
    // 20/03, phase 1: a v4 certificate renewed at a counter, a v5 one known but not yet open,
    // and a v2 one let through in the field by a supervisor's override.
    clock = new Date('2020-03-20T03:00:00Z');
    const v4cert = await registered('Báo cáo v4', { hardwareVersion: 'v4' });
    await registered('Báo cáo v5', { hardwareVersion: 'v5' });
    const v2 = await registered('Báo cáo v2', { hardwareVersion: 'v2' });
    expect((await counter.renew(world.request(v4cert, await world.csr(v4cert), { token: token('v4') }))).status).toBe('issued');
    const override = signOverride(overrideKeys.privateKey, { campaign: world.campaigns.campaigns[0].id, serial: v2.serial, reason: 'x', issuedAt: '2020-03-20T00:00:00.000Z', expiresAt: '2020-03-21T00:00:00.000Z' });
    expect((await field.renew(world.request(v2, await world.csr(v2), { token: token('v2'), rolloutOverride: override }))).status).toBe('issued');
    clock = new Date('2020-06-10T03:00:00Z');
    const report = await runCapbu(['central', 'report', '--db', db, '--campaign', world.campaignPath, '--now', clock.toISOString(), '--json']);
    expect(report.code, report.stderr).toBe(0);
    const plan = JSON.parse(report.stdout).plan;
    expect(plan.today).toBe('2020-06-10');
    expect(plan.phases.map((p: { id: string; status: string; daysLeft: number }) => [p.id, p.status, p.daysLeft])).toEqual([
      ['1', 'ended', 0],
      ['2', 'ended', 0],
      ['3', 'ended', 0],
      ['4', 'open', 51],
      ['5', 'upcoming', 61],
    ]);
    const phase4 = plan.phases[3];
    expect(phase4.versions.map((v: { hardwareVersion: string }) => v.hardwareVersion)).toEqual(['v2', 'v4', 'v5']);
    const v4 = phase4.versions.find((v: { hardwareVersion: string }) => v.hardwareVersion === 'v4');
    // One v4 certificate known and renewed (in March): on track for 100% by 30/07.
    expect(v4).toMatchObject({ eligibleKnown: 1, renewed: 1, share: 1, target: 1, onTrack: true });
    const v5 = phase4.versions.find((v: { hardwareVersion: string }) => v.hardwareVersion === 'v5');
    expect(v5).toMatchObject({ eligibleKnown: 1, renewed: 0, share: 0, target: 1, onTrack: false });
    // Phase 1 (10/03–31/03): renewals of 20/03 — the v4 one at a counter and the override in the field.
    expect(plan.phases[0]).toMatchObject({ renewed: 2, selfService: 0, selfServiceShare: 0 });
    const text = await runCapbu(['central', 'report', '--db', db, '--campaign', world.campaignPath, '--now', clock.toISOString(), '--lang', 'vi']);
    expect(text.stdout).toContain('Lộ trình cấp bù, ngày 10/06/2020');
    expect(text.stdout).toMatch(/Giai đoạn 4: 01\/06\/2020–30\/07\/2020 \(đang triển khai\)/);
  });
});
