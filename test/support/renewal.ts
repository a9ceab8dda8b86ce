/** Shared by the renewal tests: an eligible customer on a fresh token, registered everywhere. */
import type { KeyAlgorithm } from '../../src/token/write.js';
import type { TestCentre } from './centre.js';
import type { World } from './world.js';

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
