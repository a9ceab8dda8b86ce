/**
 * A centre with a small campaign for the dashboard tests: customers in two provinces (HN, HCM),
 * renewals from kiosks of both, a refusal, one kiosk that synced and others that never did, and
 * accounts made the way `capbu central user add` makes them. The figures each page must show
 * follow from this, and are spelled out in EXPECTED.
 */
import type { CentralConfig } from '../../src/central/server.js';
import { addAccount } from '../../src/central/dashboard/accounts.js';
import { hashPassword } from '../../src/central/dashboard/passwords.js';
import { enrolmentCodeHash } from '../../src/central/credentials.js';
import type { CentralStore } from '../../src/central/storage/store.js';
import { isCapbuError } from '../../src/errors.js';
import { makeCentralWorld, NOW, startCentre, type Centre, type CentralWorld, type Subscriber } from '../central/fixtures.js';

export const PASSWORD = 'mật khẩu đủ dài';

export interface DashboardWorld {
  readonly world: CentralWorld;
  readonly centre: Centre;
  readonly url: string;
  readonly store: CentralStore;
  /** Remaining (eligible, not renewed) customers of HN, in serial order. */
  readonly remainingHn: readonly { serial: string; taxCode: string }[];
  /** Moves the centre's clock. */
  setNow(at: Date): void;
  /**
   * More of a campaign, as a demo centre would hold: per province, customers of whom `renewed`
   * renew on the given days (one kiosk per province, tokens of mixed hardware versions).
   */
  busier(provinces: readonly { code: string; customers: number; renewedPerDay: readonly number[] }[]): Promise<void>;
  /** An account with its password (PASSWORD) already set through its one-time code. */
  account(name: string, role: 'admin' | 'supervisor', provinces?: string[]): Promise<void>;
  close(): Promise<void>;
}

export const EXPECTED = {
  /** Across both provinces. */
  total: { eligibleKnown: 5, renewed: 2, remaining: 3 },
  hn: { eligibleKnown: 3, renewed: 1, remaining: 2 },
  hcm: { eligibleKnown: 2, renewed: 1, remaining: 1 },
};

export async function dashboardWorld(db: string, overrides: Partial<CentralConfig> = {}, given?: CentralWorld): Promise<DashboardWorld> {
  const world = given ?? (await makeCentralWorld());
  let now = NOW;
  const centre = await startCentre(world, db, { now: () => now, ...overrides });
  const store = centre.running.services.store;
  const make = (name: string) => world.subscriber(name);
  const hn: Subscriber[] = await Promise.all([make('HN Một'), make('HN Hai'), make('HN Ba')]);
  const hcm: Subscriber[] = await Promise.all([make('HCM Một'), make('HCM Hai')]);
  const revoked = await make('HCM Thu hồi');
  await store.importRegistry(
    [
      ...hn.map((s) => world.record(s, { province: 'HN' })),
      ...hcm.map((s) => world.record(s, { province: 'HCM' })),
      world.record(revoked, { province: 'HCM', status: 'revoked' }),
    ],
    NOW.toISOString(),
  );
  await store.addCertificates([...hn, ...hcm, revoked].map((s) => ({ serial: s.serial, der: s.der })), NOW.toISOString());

  const hnKiosk = await centre.kiosk('HN-QUAY-01', { province: 'HN', channel: 'counter' });
  await centre.kiosk('HN-LUUDONG-01', { province: 'HN', channel: 'field' });
  const hcmKiosk = await centre.kiosk('HCM-QUAY-01', { province: 'HCM', channel: 'counter' });
  const token = (hardwareVersion: string) => ({ serial: 'TK0001', manufacturer: 'Feitian', model: 'ePass2003', hardwareVersion });
  await hnKiosk.renew(world.request(hn[0]!, await world.csr(hn[0]!), { token: token('v5') }));
  await hcmKiosk.renew(world.request(hcm[0]!, await world.csr(hcm[0]!), { token: token('v4'), channel: 'self' }));
  await hcmKiosk
    .renew(world.request(revoked, await world.csr(revoked), { token: token('v4') }))
    .then(() => {
      throw new Error('a revoked subscriber was renewed');
    })
    .catch((error: unknown) => {
      if (!isCapbuError(error, 'SERVER_REJECTED') && !isCapbuError(error, 'NOT_ELIGIBLE')) throw error;
    });
  // HN's counter kiosk syncs (its last sync is now); the others never have.
  await hnKiosk.registry(0);

  const remainingHn = hn
    .slice(1)
    .map((s) => ({ serial: s.serial, taxCode: world.record(s).taxCode }))
    .sort((a, b) => a.serial.localeCompare(b.serial));

  return {
    world,
    centre,
    url: centre.url,
    store,
    remainingHn,
    setNow: (at) => {
      now = at;
    },
    busier: async (provinces) => {
      const channels = ['counter', 'field', 'self'] as const;
      const versions = ['v2', 'v4', 'v5'];
      for (const p of provinces) {
        const people = await Promise.all(Array.from({ length: p.customers }, (_, i) => make(`${p.code} khách ${i + 1}`)));
        await store.importRegistry(people.map((s) => world.record(s, { province: p.code })), now.toISOString());
        await store.addCertificates(people.map((s) => ({ serial: s.serial, der: s.der })), now.toISOString());
        const kiosk = await centre.kiosk(`${p.code}-DEMO-01`, { province: p.code, channel: 'counter' });
        let next = 0;
        for (const [day, count] of p.renewedPerDay.entries()) {
          now = new Date(NOW.getTime() + day * 86_400_000);
          for (let i = 0; i < count; i++, next++) {
            const s = people[next]!;
            const channel = channels[next % channels.length]!;
            await kiosk.renew(world.request(s, await world.csr(s), { token: token(versions[next % versions.length]!), channel }));
          }
        }
        await kiosk.registry(0);
        now = NOW;
      }
    },
    account: async (name, role, provinces = []) => {
      const { code } = await addAccount(store, { name, role, provinces, validHours: 24 }, now);
      const user = await store.setPassword(enrolmentCodeHash(code), await hashPassword(PASSWORD), now.toISOString());
      if (!user) throw new Error(`could not set the password of ${name}`);
    },
    close: () => centre.running.close(),
  };
}
