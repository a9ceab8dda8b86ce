/**
 * Two waves at one centre, SQLite and PostgreSQL: the 2020 and 2024 campaigns, loaded as a
 * directory, whose CAs bear one name, with one serial reused across the two old CA keys. Each
 * certificate is renewed once, by its own wave's new CA, on its own registry row; a second
 * attempt at either gets the renewal it already has.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import type { CampaignSet } from '../../src/campaign/campaigns.js';
import type { SubscriberRecord } from '../../src/campaign/registry.js';
import { CAMPAIGN_2020, CAP_2020, writeCampaign2020 } from '../../src/demo/campaign-2020.js';
import { CAMPAIGN_2024, CAP_2024, writeCampaign2024 } from '../../src/demo/campaign-2024.js';
import type { WrittenCampaign } from '../../src/demo/campaign-files.js';
import { issueSubscriber, spkiOf, type Pki } from '../../src/demo/pki.js';
import { isSignedBy, normalizeSerial, parseCertificate } from '../../src/pki/certificate.js';
import { loadCampaigns } from '../../src/store/files.js';
import { runCapbu } from '../support/cli.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { makeCentralWorld, sqlitePath, startCentre, type CentralWorld, type Subscriber } from './fixtures.js';

/** After the 2024 cap, before the 2020 wave's new CA ends: both waves still have days to grant. */
const NOW = new Date('2024-05-20T03:00:00Z');
/** One serial, issued by each wave's old CA key. */
const SHARED_SERIAL = '7e57ab1e0000000000000000000000000000c0de';

let world: CentralWorld;
let postgres: TestPostgres | undefined;
let campaigns: CampaignSet;
let campaignsDir: string;
let wave2020: WrittenCampaign;
let wave2024: WrittenCampaign;
let first: Subscriber;
let second: Subscriber;

async function subscriberOf(pki: Pki, name: string, taxCode: string, notBefore: Date, notAfter: Date): Promise<Subscriber> {
  const certificate = await issueSubscriber(pki.oldCa, {
    subject: { commonName: name, taxCode, province: 'Hà Nội' },
    spki: await spkiOf(world.keys.publicKey),
    notBefore,
    notAfter,
    serial: SHARED_SERIAL,
  });
  return { certificate, der: new Uint8Array(certificate.rawData), serial: normalizeSerial(certificate.serialNumber), keys: world.keys };
}

beforeAll(async () => {
  world = await makeCentralWorld();
  campaignsDir = join(mkdtempSync(join(tmpdir(), 'capbu-waves-')), 'campaigns');
  [wave2020, wave2024] = await Promise.all([writeCampaign2020(campaignsDir, 'a-2020'), writeCampaign2024(campaignsDir, 'b-2024')]);
  campaigns = loadCampaigns(campaignsDir);
  first = await subscriberOf(wave2020.pki, 'Wave 2020 Co', '0100002020', new Date('2018-03-01T02:00:00Z'), CAP_2020);
  second = await subscriberOf(wave2024.pki, 'Wave 2024 Co', '0100002024', new Date('2023-01-10T02:00:00Z'), CAP_2024);
}, 120_000);
afterAll(async () => {
  await postgres?.stop();
});

const registry = (): SubscriberRecord[] => [
  { serial: first.serial, issuerKeyId: campaigns.campaigns[0].oldCa.keyId, taxCode: '0100002020', contractEnd: '2025-12-31', status: 'active', province: 'HN', hardwareVersion: 'v4' },
  { serial: second.serial, issuerKeyId: campaigns.campaigns[1]!.oldCa.keyId, taxCode: '0100002024', contractEnd: '2024-07-10', status: 'active', province: 'HCM' },
];

async function expectEachRenewedOnce(db: string): Promise<void> {
  const centre = await startCentre(world, db, {
    campaigns,
    caKeys: [`${CAMPAIGN_2020.id}=${wave2020.newCaKeyPath}`, `${CAMPAIGN_2024.id}=${wave2024.newCaKeyPath}`],
    now: () => NOW,
  });
  try {
    await centre.running.services.store.importRegistry(registry(), NOW.toISOString());
    const kiosk = await centre.kiosk('HN-QUAY-01');
    const renewed = [];
    for (const s of [first, second]) {
      const result = await kiosk.renew(world.request(s, await world.csr(s)));
      expect(result.status).toBe('issued');
      renewed.push(parseCertificate(new Uint8Array(Buffer.from(result.renewal.certificate, 'base64'))));
    }
    const [from2020, from2024] = renewed as [ReturnType<typeof parseCertificate>, ReturnType<typeof parseCertificate>];
    // Each by its own wave's new CA key, though both name one CA …
    const newKey = (w: WrittenCampaign) => new X509Certificate(Buffer.from(w.pki.newCa.certificate.rawData)).publicKey;
    expect(from2020.issuer).toBe(from2024.issuer);
    expect(isSignedBy(from2020.der, newKey(wave2020))).toBe(true);
    expect(isSignedBy(from2020.der, newKey(wave2024))).toBe(false);
    expect(isSignedBy(from2024.der, newKey(wave2024))).toBe(true);
    expect(isSignedBy(from2024.der, newKey(wave2020))).toBe(false);
    // … on its own registry row: the 2020 contract capped by that wave's new CA, the 2024 one to 10/07/2024.
    expect(from2020.notAfter.toISOString()).toBe('2024-07-17T00:00:00.000Z');
    expect(from2024.notAfter.toISOString()).toBe('2024-07-10T16:59:59.000Z');
    expect(from2020.taxCode).toBe('0100002020');
    expect(from2024.taxCode).toBe('0100002024');

    // Once each: a new attempt at either gets the renewal it has, not the other wave's.
    for (const [s, done] of [[first, from2020], [second, from2024]] as const) {
      const again = await kiosk.renew(world.request(s, await world.csr(s)));
      expect(again.status).toBe('already-renewed');
      expect(again.renewal.serial).toBe(done.serial);
    }
    const counts = await centre.running.services.store.renewalCounts();
    expect(counts.reduce((n, c) => n + c.count, 0)).toBe(2);

    // The report splits by campaign, and ?campaign= shows one alone.
    await centre.running.services.store.addCertificates([first, second].map((c) => ({ serial: c.serial, der: c.der })), NOW.toISOString());
    const { credential } = await centre.enrolled('REPORT-1', { role: 'report' });
    const report = async (query: string) => {
      const response = await fetch(`${centre.url}/v1/report${query}`, { headers: { authorization: `Bearer ${credential}` } });
      return { status: response.status, body: (await response.json()) as { campaigns?: { campaign: string; eligibleKnown: number; renewed: number; plan: unknown }[]; code?: string } };
    };
    const all = await report('');
    expect(all.status).toBe(200);
    expect(all.body.campaigns!.map((c) => [c.campaign, c.eligibleKnown, c.renewed, c.plan === null])).toEqual([
      [CAMPAIGN_2020.id, 1, 1, false],
      [CAMPAIGN_2024.id, 1, 1, true],
    ]);
    const one = await report(`?campaign=${CAMPAIGN_2024.id}`);
    expect(one.body.campaigns!.map((c) => c.campaign)).toEqual([CAMPAIGN_2024.id]);
    const unknown = await report('?campaign=viettel-ca-1999');
    expect([unknown.status, unknown.body.code]).toEqual([404, 'CAMPAIGN_ID_UNKNOWN']);
  } finally {
    await centre.running.close();
  }
}

describe('two waves of one CA name reusing a serial', () => {
  it('loads both campaigns from the directory, their old CA keys apart', () => {
    expect(campaigns.campaigns.map((c) => c.id)).toEqual([CAMPAIGN_2020.id, CAMPAIGN_2024.id]);
    expect(first.serial).toBe(second.serial);
    expect(campaigns.campaigns[0].oldCa.facts.subject).toBe(campaigns.campaigns[1]!.oldCa.facts.subject);
    expect(campaigns.campaigns[0].oldCa.keyId).not.toBe(campaigns.campaigns[1]!.oldCa.keyId);
  });

  it('renews each once, by its own wave, on SQLite; capbu central report splits by campaign, --campaign-id narrows', async () => {
    const db = sqlitePath(world, 'waves');
    await expectEachRenewedOnce(db);
    const report = (...extra: string[]) => runCapbu(['central', 'report', '--db', db, '--campaign', campaignsDir, '--now', NOW.toISOString(), '--lang', 'en', ...extra]);
    const all = await report();
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toMatch(/Campaign\s+Eligible\s+Renewed/);
    expect(all.stdout).toMatch(new RegExp(`${CAMPAIGN_2020.id}\\s+1\\s+1`));
    expect(all.stdout).toMatch(new RegExp(`${CAMPAIGN_2024.id}\\s+1\\s+1`));
    expect(all.stdout).toContain(`${CAMPAIGN_2020.name} (${CAMPAIGN_2020.id})`);
    const one = await report('--campaign-id', CAMPAIGN_2024.id, '--json');
    expect(JSON.parse(one.stdout).campaigns.map((c: { campaign: string }) => c.campaign)).toEqual([CAMPAIGN_2024.id]);
    const unknown = await report('--campaign-id', 'viettel-ca-1999');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/^capbu: CAMPAIGN_ID_UNKNOWN: .*viettel-ca-1999/);
  });

  it('renews each once, by its own wave, on PostgreSQL', async () => {
    postgres ??= await startPostgres();
    await expectEachRenewedOnce(await postgres.newDatabase());
  });
});
