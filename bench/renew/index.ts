/**
 * bench/renew: complete renewals on SoftHSM2 tokens against the central service on loopback
 * (SQLite store), split into token, network-and-issuance and store time; and in the same run the
 * bare PKCS#11 operations the flow needs (one sign, one create, one delete, one read) as the floor.
 * Targets: a renewal under 250 ms and within 5× of the floor.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCertificate } from '../../src/pki/certificate.js';
import { addKioskWithCode } from '../../test/support/enrolment.js';
import { startCentral } from '../../src/central/server.js';
import { loadCampaigns } from '../../src/store/files.js';
import { placeCertificate } from '../../src/demo/customer.js';
import { softHsmConfig } from '../../src/demo/softhsm.js';
import { renew, type RenewalContext } from '../../src/renewal/renew.js';
import { importRegistry } from '../../src/store/registry.js';
import { openStore, type Store } from '../../src/store/store.js';
import { enrollKiosk } from '../../src/sync/enroll.js';
import { DEBIAN_SOFTHSM2, loadModule, pkcs11js } from '../../src/token/module.js';
import { initToken } from '../../src/token/provision.js';
import { readCertificates } from '../../src/token/objects.js';
import { Pin } from '../../src/token/pin.js';
import { closeSession, login, openSession } from '../../src/token/session.js';
import { destroyObject, generateKeyPair, writeCertificate } from '../../src/token/write.js';
import { writeCampaign2020 } from '../../src/demo/campaign-2020.js';
import { figures, ms, time } from '../stats.js';
import { DEFAULT_SETTINGS } from '../../src/store/settings.js';

const RENEWALS = Number(process.env.BENCH_RUNS ?? 20);
const PIN = 'viettel-ca';
const NOW = new Date('2020-06-01T03:00:00Z');

/** Adds up the time spent inside a store's statements. */
function timedStore(db: Store, spent: { ms: number }): Store {
  const timed = <F extends (...args: never[]) => unknown>(fn: F, self: unknown) =>
    ((...args: never[]) => {
      const start = performance.now();
      try {
        return fn.apply(self, args);
      } finally {
        spent.ms += performance.now() - start;
      }
    }) as F;
  return new Proxy(db, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop === 'prepare') {
        return (sql: string) => {
          const statement = target.prepare(sql);
          const wrapped: typeof statement = new Proxy(statement, {
            get(s, p) {
              const v = Reflect.get(s, p, s);
              if (typeof v !== 'function') return v;
              if (['run', 'get', 'all'].includes(String(p))) return timed(v, s);
              // Chained setters (pluck, raw…) return the statement: keep returning the timed one.
              return (...args: unknown[]) => {
                const result = v.apply(s, args);
                return result === s ? wrapped : result;
              };
            },
          });
          return wrapped;
        };
      }
      if (prop === 'transaction') {
        // The store runs its writes as transaction(fn).immediate(): each mode is timed as the call is.
        return (fn: () => unknown) => {
          const transaction = target.transaction(fn);
          return Object.assign(timed(transaction, target), {
            deferred: timed(transaction.deferred, transaction),
            immediate: timed(transaction.immediate, transaction),
            exclusive: timed(transaction.exclusive, transaction),
          });
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'capbu-bench-renew-'));
  process.env.SOFTHSM2_CONF = softHsmConfig(join(dir, 'hsm'));
  const lib = loadModule(DEBIAN_SOFTHSM2);
  const { pki, campaignPath, newCaKeyPath: caKey } = await writeCampaign2020(join(dir, 'campaign'));
  const campaigns = loadCampaigns(campaignPath);
  const central = await startCentral({ campaigns, caKeys: [caKey], db: join(dir, 'centre.db'), listen: '127.0.0.1:0', now: () => NOW, logger: false });

  const home = join(dir, 'home');
  const code = await addKioskWithCode(central.services.store, { id: 'BENCH-01', province: 'HN', channel: 'counter' }, NOW);
  const { credential } = await enrollKiosk(central.url, code, home, () => NOW);

  const labels: string[] = [];
  const rows = [];
  for (let i = 0; i < RENEWALS; i++) {
    const label = `bench-${i}`;
    const token = initToken(lib, { label, soPin: '12345678', userPin: PIN });
    const placed = await placeCertificate(lib, token, PIN, {
      subject: { commonName: `Khách hàng ${i}`, taxCode: `01${String(i).padStart(8, '0')}` },
      issuer: pki.oldCa, notBefore: new Date('2018-03-01T00:00:00Z'), notAfter: new Date('2020-10-02T09:00:00Z'),
    });
    const serial = parseCertificate(new Uint8Array(placed.certificate.rawData)).serial;
    rows.push({ serial, taxCode: `01${String(i).padStart(8, '0')}`, contractEnd: '2022-12-31', status: 'active' as const, province: 'HN' });
    labels.push(label);
  }
  const kioskDb = openStore(home);
  importRegistry(kioskDb, rows, NOW, null);
  await central.services.store.importRegistry(rows, NOW.toISOString());

  const network = { ms: 0 };
  const store = { ms: 0 };
  const { CentralClient } = await import('../../src/sync/client.js');
  const client = new CentralClient({ server: central.url, credential: credential.credential, now: () => NOW });
  const ctx: RenewalContext = {
    lib,
    db: timedStore(kioskDb, store),
    campaigns,
    client: {
      renew: async (request) => {
        const start = performance.now();
        try {
          return await client.renew(request);
        } finally {
          network.ms += performance.now() - start;
        }
      },
    },
    settings: { ...DEFAULT_SETTINGS, retryDelaysMs: [], operator: 'bench' },
    kiosk: { id: 'BENCH-01', channel: 'counter' },
    dataDir: home,
    clock: () => NOW,
  };
  const totals: number[] = [];
  const networks: number[] = [];
  const stores: number[] = [];
  for (const label of labels) {
    network.ms = 0;
    store.ms = 0;
    const start = performance.now();
    const outcome = await renew(ctx, { label, pin: new Pin(PIN), finalTryConfirmed: false, operator: 'bench' });
    totals.push(performance.now() - start);
    if (outcome.status !== 'renewed') throw new Error(`${label}: ${outcome.status}`);
    networks.push(network.ms);
    stores.push(store.ms);
  }

  // The floor: the bare PKCS#11 operations one renewal needs, on a token of its own.
  const floorToken = initToken(lib, { label: 'floor', soPin: '12345678', userPin: PIN });
  const session = openSession(lib, floorToken, true);
  login(session, new Pin(PIN));
  const key = generateKeyPair(session, 'rsa', randomBytes(8), 'floor');
  const [privateKey] = (() => {
    lib.C_FindObjectsInit(session.handle, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }]);
    const found = lib.C_FindObjects(session.handle, 1);
    lib.C_FindObjectsFinal(session.handle);
    return found;
  })();
  const der = new Uint8Array(pki.newCa.certificate.rawData);
  const floor = time(RENEWALS, 3, () => {
    lib.C_SignInit(session.handle, { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS }, privateKey!);
    lib.C_Sign(session.handle, createHash('sha256').update('x').digest(), Buffer.alloc(512));
    const handle = writeCertificate(session, { der, id: key.id, label: 'floor' });
    readCertificates(session);
    destroyObject(session, handle);
  });
  closeSession(session);
  await central.close();

  const total = figures(totals);
  const net = figures(networks);
  const st = figures(stores);
  const token = figures(totals.map((t, i) => t - networks[i]! - stores[i]!));
  console.log(`bench/renew — Node ${process.version}, ${RENEWALS} renewals on SoftHSM2, centre on loopback (SQLite)`);
  console.log(`${'what'.padEnd(34)}${'median'.padStart(10)}${'p90'.padStart(10)}`);
  const row = (what: string, f: { median: number; p90: number }) => console.log(`${what.padEnd(34)}${ms(f.median).padStart(10)}${ms(f.p90).padStart(10)}`);
  row('renewal, complete (target < 250)', total);
  row('  token (login, CSR, write)', token);
  row('  network and issuance', net);
  row('  kiosk store', st);
  row('floor: sign+create+read+delete', floor);
  console.log(`ratio renewal / floor: ${(total.median / floor.median).toFixed(2)}× (target ≤ 5×)`);
}

await main();
