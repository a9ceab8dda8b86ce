/** Shared by the renewal tests: an eligible customer on a fresh token, registered everywhere. */
import { parseCertificate } from '../../src/campaign/certificate.js';
import { placeCertificate } from '../../src/demo/customer.js';
import type { KeyAlgorithm } from '../../src/token/write.js';
import type { TestCentre } from './centre.js';
import { CAP, USER_PIN, type World } from './world.js';

export const RENEWAL_NOT_AFTER = '2022-03-01T16:59:59Z';

export interface Customer {
  readonly label: string;
  readonly serial: string;
  readonly der: Uint8Array;
}

let n = 0;

export async function eligibleCustomer(world: World, centre: TestCentre, label: string, algorithm: KeyAlgorithm = 'rsa'): Promise<Customer> {
  const token = world.newToken(label);
  const taxCode = `0101${String(++n).padStart(6, '0')}`;
  const placed = await placeCertificate(world.lib, token, USER_PIN, {
    subject: { commonName: `CÔNG TY TNHH KHÁCH HÀNG ${n}`, taxCode, province: 'HÀ NỘI' },
    issuer: world.pki.oldCa,
    notBefore: new Date('2018-03-01T02:00:00Z'),
    notAfter: CAP,
    algorithm,
  });
  const der = new Uint8Array(placed.certificate.rawData);
  const serial = parseCertificate(der).serial;
  await centre.register([{ serial, taxCode, contractEnd: '2022-03-01', status: 'active', province: 'HN' }]);
  return { label, serial, der };
}
