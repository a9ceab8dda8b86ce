/**
 * The demo world: two waves shaped like Viettel-CA's 2020 and 2024 re-keys but set around today
 * (one CA name, two old keys: a campaign set in one directory), their PKIs, a
 * kiosk data directory with the registry loaded, and SoftHSM2 tokens for ten customers, one per
 * situation a clerk meets. Tokens wait unplugged on a shelf; plugging one moves its folder into
 * SoftHSM2's token directory, which is how a real token appears to a module that is re-initialised.
 * Everything lives in one directory; making it again over an existing world changes nothing.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calendarDateIn, localTimeToInstant } from '../campaign/calendar.js';
import type { SubscriberRecord } from '../campaign/registry.js';
import { openStore } from '../store/store.js';
import { importRegistry } from '../store/registry.js';
import { DEBIAN_SOFTHSM2, loadModule, releaseModule } from '../token/module.js';
import { initToken } from '../token/provision.js';
import { registryCsv, writeCaKey, writeCampaignFiles } from './campaign-files.js';
import { placeCaCertificate, placeCertificate, type CertificateSpec } from './customer.js';
import { recordPinFailure } from '../store/pin-failures.js';
import { normalizeSerial } from '../pki/certificate.js';
import { buildPki, pem, type Pki } from './pki.js';
import { parseCaCertificate } from '../pki/ca-certificate.js';
import { softHsmConfig } from './softhsm.js';

/** Viettel-CA's default user PIN: any printable ASCII, 8 to 64 characters, never digits only. */
export const DEMO_USER_PIN = 'viettel-ca';
const DEMO_SO_PIN = 'viettel-so-pin';
const ZONE = 'Asia/Ho_Chi_Minh';
const DAY = 86_400_000;
/** Bumped when the world's shape changes: an older world is made again. */
const WORLD_VERSION = 3;
/** The second wave's campaign id and file stem (the 2024 re-key). */
export const DEMO_WAVE_2 = 'demo-viettel-ca-2024';
/** Wrong PINs the kiosk counts before a token is taken for locked (the settings' default). */
const PIN_TRY_LIMIT = 5;

/** One demo customer as the world file keeps it: which digit plugs it, what it shows. */
export interface DemoCustomer {
  readonly key: string;
  readonly token: string;
  readonly situation: Situation;
  /** The token's folder in SoftHSM2's token directory (or on the shelf while unplugged). */
  readonly folder: string;
}

export type Situation =
  | 'eligible'
  | 'capped-by-new-ca'
  | 'issued-after-cutoff'
  | 'revoked'
  | 'not-capped'
  | 'unknown-subscriber'
  | 'forged'
  | 'no-key'
  | 'many-objects'
  | 'one-try-left';

export interface DemoWorld {
  readonly directory: string;
  /** Shell assignments that point capbu at this world. */
  readonly env: Record<string, string>;
  readonly customers: readonly DemoCustomer[];
  readonly created: boolean;
}

interface Customer {
  readonly token: string;
  readonly situation: Situation;
  readonly cert: (pki: Pki) => Omit<CertificateSpec, 'subject'>;
  readonly subject: CertificateSpec['subject'];
  readonly contractEnd: string;
  readonly status?: SubscriberRecord['status'];
  /** Left out of the registry export. */
  readonly unregistered?: boolean;
}

export function demoPaths(directory: string) {
  return {
    marker: join(directory, 'world.json'),
    tokens: join(directory, 'hsm', 'tokens'),
    shelf: join(directory, 'shelf'),
    home: join(directory, 'home'),
    campaign: join(directory, 'campaign'),
    centreDb: join(directory, 'centre.db'),
  };
}

function envFor(directory: string): Record<string, string> {
  return {
    CAPBU_DEMO: directory,
    SOFTHSM2_CONF: join(directory, 'hsm', 'softhsm2.conf'),
    CAPBU_HOME: demoPaths(directory).home,
    // The campaign set: the directory's two campaign files.
    CAPBU_CAMPAIGN: join(directory, 'campaign'),
    CAPBU_PKCS11_MODULE: DEBIAN_SOFTHSM2,
  };
}

/** The world in `directory`, or null when there is none of this version. */
export function readDemoWorld(directory: string): DemoWorld | null {
  const { marker } = demoPaths(directory);
  if (!existsSync(marker)) return null;
  const saved = JSON.parse(readFileSync(marker, 'utf8')) as { version?: number; customers?: DemoCustomer[] };
  if (saved.version !== WORLD_VERSION || !saved.customers) return null;
  return { directory, env: envFor(directory), customers: saved.customers, created: false };
}

export async function createDemoWorld(directory: string, now: Date): Promise<DemoWorld> {
  const existing = readDemoWorld(directory);
  if (existing) return existing;
  const paths = demoPaths(directory);
  const env = envFor(directory);
  const customers = demoCustomers(now);
  // A world of an older shape is made anew, whole.
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(paths.shelf, { recursive: true });
  const capDate = calendarDateIn(new Date(now.getTime() + 60 * DAY), ZONE);
  const pki = await buildPki({
    oldCaNotBefore: new Date(now.getTime() - 5 * 365 * DAY),
    oldCaNotAfter: localTimeToInstant(capDate, [16, 0, 0], ZONE),
    newCaNotBefore: new Date(now.getTime() - 200 * DAY),
    newCaNotAfter: new Date(now.getTime() + 4 * 365 * DAY),
  });
  writeCampaignFiles(join(directory, 'campaign'), pki, {
    id: 'demo-viettel-ca',
    name: 'Cấp bù thời hạn chứng thư số (demo)',
    timeZone: ZONE,
    capDate,
    issuedBefore: calendarDateIn(new Date(now.getTime() - 120 * DAY), ZONE),
  });
  // The 2024 re-key: the same CA name on another old key, capped a month later.
  const capDate2 = calendarDateIn(new Date(now.getTime() + 90 * DAY), ZONE);
  const pki2 = await buildPki({
    oldCaNotBefore: new Date(now.getTime() - 4 * 365 * DAY),
    oldCaNotAfter: localTimeToInstant(capDate2, [16, 0, 0], ZONE),
    newCaNotBefore: new Date(now.getTime() - 100 * DAY),
    newCaNotAfter: new Date(now.getTime() + 6 * 365 * DAY),
  });
  writeCampaignFiles(
    join(directory, 'campaign'),
    pki2,
    { id: DEMO_WAVE_2, name: 'Cấp bù thời hạn chứng thư số, đợt 2024 (demo)', timeZone: ZONE, capDate: capDate2, issuedBefore: calendarDateIn(ago(now, 60), ZONE) },
    DEMO_WAVE_2,
  );
  const wave2Key = parseCaCertificate(new Uint8Array(pki2.oldCa.certificate.rawData), 'demo').keyId;

  process.env.SOFTHSM2_CONF = softHsmConfig(join(directory, 'hsm'));
  const lib = loadModule(DEBIAN_SOFTHSM2);
  const records: SubscriberRecord[] = [];
  const issued: string[] = [];
  const made: DemoCustomer[] = [];
  const pinFailuresToRecord: string[] = [];
  // The kiosk's engine thread loads this module next, in this same process (`capbu kiosk --demo`
  // on a new directory): it must be finalised here first.
  try {
    for (const [i, customer] of customers.entries()) {
      const before = new Set(readdirSync(paths.tokens));
      const token = initToken(lib, { label: customer.token, soPin: DEMO_SO_PIN, userPin: DEMO_USER_PIN });
      const folder = readdirSync(paths.tokens).find((f) => !before.has(f))!;
      const placed = await placeCertificate(lib, token, DEMO_USER_PIN, { subject: customer.subject, ...customer.cert(pki) });
      if (customer.situation === 'many-objects') {
        // A customer of both waves: this token also holds a certificate of the 2024 re-key.
        const second = await placeCertificate(lib, token, DEMO_USER_PIN, {
          subject: { ...customer.subject, commonName: `${customer.subject.commonName} (2024)` },
          issuer: pki2.oldCa,
          notBefore: ago(now, 300),
          notAfter: pki2.oldCa.certificate.notAfter,
        });
        issued.push(pem(second.certificate));
        records.push({
          serial: normalizeSerial(second.certificate.serialNumber),
          issuerKeyId: wave2Key,
          taxCode: customer.subject.taxCode ?? '',
          contractEnd: customer.contractEnd,
          status: 'active',
          province: customer.subject.province ?? null,
        });
        placeCaCertificate(lib, token, DEMO_USER_PIN, pki.root, 'Viettel root');
        placeCaCertificate(lib, token, DEMO_USER_PIN, pki.oldCa, 'Viettel-CA 2015');
        placeCaCertificate(lib, token, DEMO_USER_PIN, pki.newCa, 'Viettel-CA 2019');
        await placeCertificate(lib, token, DEMO_USER_PIN, {
          subject: { ...customer.subject, commonName: `${customer.subject.commonName} (cũ)` },
          issuer: pki.otherCa,
          notBefore: ago(now, 1500),
          notAfter: ago(now, 800),
        });
      }
      if (customer.situation === 'one-try-left') pinFailuresToRecord.push(token.serial);
      made.push({ key: String((i + 1) % 10), token: customer.token, situation: customer.situation, folder });
      if (!customer.unregistered) {
        issued.push(pem(placed.certificate));
        records.push({
          serial: normalizeSerial(placed.certificate.serialNumber),
          taxCode: customer.subject.taxCode ?? '',
          contractEnd: customer.contractEnd,
          status: customer.status ?? 'active',
          province: customer.subject.province ?? null,
        });
      }
    }
  } finally {
    releaseModule(DEBIAN_SOFTHSM2);
  }
  // The centre's side of the demo: the new CA's key, the registry export and the issued certificates.
  await writeCaKey(join(directory, 'campaign', 'new-ca.key'), pki.newCa);
  await writeCaKey(join(directory, 'campaign', `${DEMO_WAVE_2}-new-ca.key`), pki2.newCa);
  writeFileSync(join(directory, 'campaign', 'registry.csv'), registryCsv(records));
  writeFileSync(join(directory, 'campaign', 'issued.pem'), issued.join(''));
  const db = openStore(env.CAPBU_HOME!);
  try {
    importRegistry(db, records, now, null);
    // This customer has already typed four wrong PINs at this kiosk: one more locks the token.
    for (const serial of pinFailuresToRecord) for (let n = 1; n < PIN_TRY_LIMIT; n++) recordPinFailure(db, { tokenSerial: serial, token: null, limit: PIN_TRY_LIMIT, operator: null }, now);
  } finally {
    db.close();
  }
  // Every token starts unplugged, on the shelf: the clerk plugs one with its digit.
  for (const customer of made) renameSync(join(paths.tokens, customer.folder), join(paths.shelf, customer.folder));
  writeFileSync(
    join(directory, 'env.sh'),
    Object.entries(env)
      .map(([k, v]) => `export ${k}='${v}'`)
      .join('\n') + '\n',
  );
  writeFileSync(paths.marker, `${JSON.stringify({ version: WORLD_VERSION, createdAt: now.toISOString(), customers: made }, null, 2)}\n`);
  return { directory, env, customers: made, created: true };
}

function ago(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY);
}

/** One customer per situation a clerk meets, in the order of the digits that plug them. */
function demoCustomers(now: Date): Customer[] {
  const yearsAhead = (years: number) => calendarDateIn(new Date(now.getTime() + years * 365 * DAY), ZONE);
  const capped = (pki: Pki) => pki.oldCa.certificate.notAfter;
  const old = (days: number) => (pki: Pki) => ({ issuer: pki.oldCa, notBefore: ago(now, days), notAfter: capped(pki) });
  return [
    {
      token: 'DN-HAI-DANG',
      situation: 'eligible',
      subject: { commonName: 'CÔNG TY TNHH HẢI ĐĂNG', taxCode: '0101234567', province: 'HÀ NỘI' },
      cert: old(700),
      contractEnd: yearsAhead(2),
    },
    {
      token: 'DN-DONG-NAI',
      situation: 'capped-by-new-ca',
      subject: { commonName: 'Doanh nghiệp tư nhân Đồng Nai', taxCode: '3600123456', province: 'ĐỒNG NAI', encoding: 'bmpString' },
      cert: (pki) => ({ ...old(400)(pki), algorithm: 'ec' }),
      contractEnd: yearsAhead(9),
    },
    {
      token: 'DN-MOI-CAP',
      situation: 'issued-after-cutoff',
      subject: { commonName: 'CÔNG TY CỔ PHẦN MỚI', taxCode: '0312345678', province: 'TP HỒ CHÍ MINH' },
      cert: (pki) => ({ issuer: pki.newCa, notBefore: ago(now, 30), notAfter: new Date(now.getTime() + 700 * DAY) }),
      contractEnd: yearsAhead(2),
    },
    {
      token: 'DN-THU-HOI',
      situation: 'revoked',
      subject: { commonName: 'CÔNG TY TNHH THU HỒI', taxCode: '0105556667', province: 'HẢI PHÒNG' },
      cert: old(650),
      contractEnd: yearsAhead(2),
      status: 'revoked',
    },
    {
      token: 'DN-CON-HAN',
      situation: 'not-capped',
      subject: { commonName: 'CÔNG TY TNHH CÒN HẠN', taxCode: '0106667778', province: 'HÀ NỘI' },
      cert: (pki) => ({ issuer: pki.oldCa, notBefore: ago(now, 600), notAfter: new Date(capped(pki).getTime() - 40 * DAY) }),
      contractEnd: yearsAhead(2),
    },
    {
      token: 'DN-KHONG-RO',
      situation: 'unknown-subscriber',
      subject: { commonName: 'CÔNG TY TNHH KHÔNG RÕ', taxCode: '0107778889', province: 'HUẾ' },
      cert: old(500),
      contractEnd: yearsAhead(2),
      unregistered: true,
    },
    {
      token: 'DN-GIA-MAO',
      situation: 'forged',
      subject: { commonName: 'CÔNG TY TNHH GIẢ MẠO', taxCode: '0108889990', province: 'CẦN THƠ' },
      cert: (pki) => ({ ...old(500)(pki), forgedWith: pki.otherCa }),
      contractEnd: yearsAhead(2),
    },
    {
      token: 'DN-MAT-KHOA',
      situation: 'no-key',
      subject: { commonName: 'CÔNG TY TNHH MẤT KHÓA', taxCode: '0109990001', province: 'NGHỆ AN' },
      cert: (pki) => ({ ...old(550)(pki), keyOnToken: false }),
      contractEnd: yearsAhead(2),
    },
    {
      token: 'DN-NHIEU-DOI-TUONG',
      situation: 'many-objects',
      subject: { commonName: 'TỔNG CÔNG TY NHIỀU ĐỐI TƯỢNG', taxCode: '0100000012', province: 'HÀ NỘI' },
      cert: old(720),
      contractEnd: yearsAhead(3),
    },
    {
      token: 'DN-SAP-KHOA',
      situation: 'one-try-left',
      subject: { commonName: 'CÔNG TY TNHH SẮP KHÓA', taxCode: '0101111123', province: 'QUẢNG NINH' },
      cert: old(680),
      contractEnd: yearsAhead(2),
    },
  ];
}
