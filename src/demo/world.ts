/**
 * The demo world: a campaign shaped like Viettel-CA's 2020 one but set around today, a PKI, a
 * kiosk data directory with the registry loaded, and SoftHSM2 tokens for a handful of customers.
 * Everything lives in one directory; making it again over an existing world changes nothing.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calendarDateIn, localTimeToInstant } from '../campaign/calendar.js';
import type { SubscriberRecord } from '../campaign/registry.js';
import { openStore } from '../store/store.js';
import { importRegistry } from '../store/registry.js';
import { DEBIAN_SOFTHSM2, loadModule } from '../token/module.js';
import { initToken } from '../token/provision.js';
import { registryCsv, writeCaKey, writeCampaignFiles } from './campaign-files.js';
import { placeCertificate, type CertificateSpec } from './customer.js';
import { buildPki, pem, type Pki } from './pki.js';
import { softHsmConfig } from './softhsm.js';

export const DEMO_USER_PIN = '123456';
const DEMO_SO_PIN = '12345678';
const ZONE = 'Asia/Ho_Chi_Minh';
const DAY = 86_400_000;

export interface DemoWorld {
  readonly directory: string;
  /** Shell assignments that point capbu at this world. */
  readonly env: Record<string, string>;
  readonly tokens: readonly string[];
  readonly created: boolean;
}

interface Customer {
  readonly token: string;
  readonly cert: (pki: Pki) => Omit<CertificateSpec, 'subject'>;
  readonly subject: CertificateSpec['subject'];
  readonly contractEnd: string;
  readonly status?: SubscriberRecord['status'];
}

function envFor(directory: string): Record<string, string> {
  return {
    SOFTHSM2_CONF: join(directory, 'hsm', 'softhsm2.conf'),
    CAPBU_HOME: join(directory, 'home'),
    CAPBU_CAMPAIGN: join(directory, 'campaign', 'campaign.json'),
    CAPBU_PKCS11_MODULE: DEBIAN_SOFTHSM2,
  };
}

export async function createDemoWorld(directory: string, now: Date): Promise<DemoWorld> {
  const marker = join(directory, 'world.json');
  const env = envFor(directory);
  const customers = demoCustomers(now);
  if (existsSync(marker)) return { directory, env, tokens: customers.map((c) => c.token), created: false };

  mkdirSync(directory, { recursive: true });
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

  process.env.SOFTHSM2_CONF = softHsmConfig(join(directory, 'hsm'));
  const lib = loadModule(DEBIAN_SOFTHSM2);
  const records: SubscriberRecord[] = [];
  const issued: string[] = [];
  for (const customer of customers) {
    const token = initToken(lib, { label: customer.token, soPin: DEMO_SO_PIN, userPin: DEMO_USER_PIN });
    const placed = await placeCertificate(lib, token, DEMO_USER_PIN, { subject: customer.subject, ...customer.cert(pki) });
    issued.push(pem(placed.certificate));
    records.push({
      serial: placed.certificate.serialNumber.toLowerCase().replace(/^0+(?=.)/, ''),
      taxCode: customer.subject.taxCode ?? '',
      contractEnd: customer.contractEnd,
      status: customer.status ?? 'active',
      province: customer.subject.province ?? null,
    });
  }
  // The centre's side of the demo: the new CA's key, the registry export and the issued certificates.
  await writeCaKey(join(directory, 'campaign', 'new-ca.key'), pki.newCa);
  writeFileSync(join(directory, 'campaign', 'registry.csv'), registryCsv(records));
  writeFileSync(join(directory, 'campaign', 'issued.pem'), issued.join(''));
  const db = openStore(env.CAPBU_HOME!);
  try {
    importRegistry(db, records, now, null);
  } finally {
    db.close();
  }
  writeFileSync(
    join(directory, 'env.sh'),
    Object.entries(env)
      .map(([k, v]) => `export ${k}='${v}'`)
      .join('\n') + '\n',
  );
  writeFileSync(marker, `${JSON.stringify({ createdAt: now.toISOString(), tokens: customers.map((c) => c.token) })}\n`);
  return { directory, env, tokens: customers.map((c) => c.token), created: true };
}

function demoCustomers(now: Date): Customer[] {
  const ago = (days: number) => new Date(now.getTime() - days * DAY);
  const yearsAhead = (years: number) => calendarDateIn(new Date(now.getTime() + years * 365 * DAY), ZONE);
  const capped = (pki: Pki) => pki.oldCa.certificate.notAfter;
  return [
    {
      token: 'DN-HAI-DANG',
      subject: { commonName: 'CÔNG TY TNHH HẢI ĐĂNG', taxCode: '0101234567', province: 'HÀ NỘI' },
      cert: (pki) => ({ issuer: pki.oldCa, notBefore: ago(700), notAfter: capped(pki) }),
      contractEnd: yearsAhead(2),
    },
    {
      token: 'DN-DONG-NAI',
      subject: { commonName: 'Doanh nghiệp tư nhân Đồng Nai', taxCode: '3600123456', province: 'ĐỒNG NAI', encoding: 'bmpString' },
      cert: (pki) => ({ issuer: pki.oldCa, notBefore: ago(400), notAfter: capped(pki), algorithm: 'ec' }),
      contractEnd: yearsAhead(1),
    },
    {
      token: 'DN-MOI-CAP',
      subject: { commonName: 'CÔNG TY CỔ PHẦN MỚI', taxCode: '0312345678', province: 'TP HỒ CHÍ MINH' },
      cert: (pki) => ({ issuer: pki.newCa, notBefore: ago(30), notAfter: new Date(now.getTime() + 700 * DAY) }),
      contractEnd: yearsAhead(2),
    },
    {
      token: 'DN-HET-HD',
      subject: { commonName: 'HỢP TÁC XÃ AN BÌNH', taxCode: '0400111222', province: 'ĐÀ NẴNG' },
      cert: (pki) => ({ issuer: pki.oldCa, notBefore: ago(900), notAfter: capped(pki) }),
      contractEnd: calendarDateIn(ago(-30), ZONE),
    },
  ];
}
