/** Shared by the renewal tests: an eligible customer on a fresh token, registered everywhere. */
import type { Channel } from '../../src/central/api.js';
import { loadCampaigns } from '../../src/store/files.js';
import type { RenewalContext } from '../../src/renewal/renew.js';
import { loadSettings } from '../../src/store/settings.js';
import { openStore } from '../../src/store/store.js';
import { CentralClient } from '../../src/sync/client.js';
import { loadCredential } from '../../src/sync/credential.js';
import type { KeyAlgorithm } from '../../src/token/write.js';
import type { TestCentre } from './centre.js';
import { NOW, type World } from './world.js';

export const RENEWAL_NOT_AFTER = '2022-03-01T16:59:59Z';

export interface Customer {
  readonly label: string;
  readonly serial: string;
  readonly der: Uint8Array;
}

let n = 0;

export async function eligibleCustomer(world: World, centre: TestCentre, label: string, algorithm: KeyAlgorithm = 'rsa'): Promise<Customer> {
  const taxCode = `0101${String(++n).padStart(6, '0')}`;
  const { serial, der } = await world.subscriberToken(label, { commonName: `CÔNG TY TNHH KHÁCH HÀNG ${n}`, taxCode, province: 'HÀ NỘI' }, { algorithm });
  await centre.register([{ serial, taxCode, contractEnd: '2022-03-01', status: 'active', province: 'HN' }]);
  return { label, serial, der };
}

/** What `capbu renew` builds, made in process from the world's kiosk (its store, enrolment and centre, or `server`). */
export function renewalContextIn(world: World, server?: string): RenewalContext {
  const home = world.env.CAPBU_HOME!;
  const saved = loadCredential(home);
  return {
    lib: world.lib,
    db: openStore(home),
    campaigns: loadCampaigns(world.campaignPath),
    client: new CentralClient({ server: server ?? saved.server, credential: saved.credential, now: () => new Date(NOW) }),
    settings: loadSettings(home),
    kiosk: { id: saved.kioskId, channel: saved.channel as Channel },
    dataDir: home,
    clock: () => new Date(NOW),
  };
}
