/**
 * Two waves through the CLI on a real (SoftHSM2) token: a campaign set given as a directory (the
 * 2020 campaign and the 2024 one, one CA name, two old keys), one token holding a certificate of
 * each with the same serial, each judged by its own wave on its own registry row; and a
 * directory where two files share an id refused with one line.
 */
import { cpSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CAP_2024, writeCampaign2024 } from '../src/demo/campaign-2024.js';
import type { WrittenCampaign } from '../src/demo/campaign-files.js';
import { placeCertificate } from '../src/demo/customer.js';
import { normalizeSerial } from '../src/pki/certificate.js';
import { loadCampaigns } from '../src/store/files.js';
import { CAP, makeWorld, USER_PIN, type World } from './support/world.js';

const NOW = '2024-05-20T03:00:00Z';
const SERIAL = '5ea1ed000000000000000000000000000000beef';

let world: World;
let setDir: string;
let wave2024: WrittenCampaign;

beforeAll(async () => {
  world = await makeWorld();
  // The world's 2020 campaign and the 2024 one, side by side: a campaign set as a directory.
  setDir = join(world.dir, 'waves');
  cpSync(dirname(world.campaignPath), setDir, { recursive: true });
  wave2024 = await writeCampaign2024(setDir, 'viettel-2024');
}, 120_000);

interface CheckedCertificate {
  readonly serial: string;
  readonly issuer: string;
  readonly decision: { campaign: string | null; eligible: boolean; reasons: string[]; renewalNotAfter: string | null };
}

describe('a token carrying certificates of two waves', () => {
  it('judges each by the wave whose old CA key signed it, on that wave\'s registry row', async () => {
    const token = world.newToken('two-waves');
    const base = { taxCode: '0101234567', province: 'Hà Nội' };
    const old2020 = await placeCertificate(world.lib, token, USER_PIN, {
      subject: { ...base, commonName: 'CÔNG TY HAI ĐỢT' },
      issuer: world.pki.oldCa,
      notBefore: new Date('2018-03-01T02:00:00Z'),
      notAfter: CAP,
      serial: SERIAL,
    });
    const old2024 = await placeCertificate(world.lib, token, USER_PIN, {
      subject: { ...base, taxCode: '0107654321', commonName: 'CÔNG TY HAI ĐỢT (2024)' },
      issuer: wave2024.pki.oldCa,
      notBefore: new Date('2023-01-10T02:00:00Z'),
      notAfter: CAP_2024,
      serial: SERIAL,
    });
    const serial = normalizeSerial(old2020.certificate.serialNumber);
    expect(normalizeSerial(old2024.certificate.serialNumber)).toBe(serial);
    const [c2020, c2024] = loadCampaigns(setDir).campaigns;
    const imported = await world.importRegistry([
      { serial, issuerKeyId: c2020.oldCa.keyId, taxCode: '0101234567', contractEnd: '2025-12-31', status: 'active', province: 'HN' },
      { serial, issuerKeyId: c2024!.oldCa.keyId, taxCode: '0107654321', contractEnd: '2024-07-10', status: 'active', province: 'HN' },
    ]);
    expect(imported.code).toBe(0);

    const result = await world.capbu(['check', '--token', 'two-waves', '--campaign', setDir, '--json', '--now', NOW]);
    expect(result.stderr).toBe('');
    const certificates = (JSON.parse(result.stdout) as { certificates: CheckedCertificate[] }).certificates;
    // The token lists its objects in no set order (SoftHSM2 keeps one file per object): by wave.
    const byWave = [...certificates].sort((a, b) => String(a.decision.campaign).localeCompare(String(b.decision.campaign)));
    expect(certificates).toHaveLength(2);
    expect(byWave.map((c) => [c.serial, c.issuer, c.decision])).toEqual([
      [serial, 'CN=Viettel-CA,O=Viettel Group,C=VN', expect.objectContaining({ campaign: 'viettel-ca-2020', eligible: true, reasons: [], renewalNotAfter: '2024-07-17T00:00:00Z' })],
      [serial, 'CN=Viettel-CA,O=Viettel Group,C=VN', expect.objectContaining({ campaign: 'viettel-ca-2024', eligible: true, reasons: [], renewalNotAfter: '2024-07-10T16:59:59Z' })],
    ]);
    expect(result.code).toBe(0);
  });
});

describe('a campaign directory whose files share an id', () => {
  it('is refused with CAMPAIGN_DUPLICATE_ID in one line, before any token is read', async () => {
    const dup = join(world.dir, 'dup');
    mkdirSync(dup);
    cpSync(dirname(world.campaignPath), dup, { recursive: true });
    cpSync(world.campaignPath, join(dup, 'again.json'));
    const result = await world.capbu(['check', '--campaign', dup, '--now', NOW]);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('CAMPAIGN_DUPLICATE_ID');
    expect(lines[0]).toContain('viettel-ca-2020');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
