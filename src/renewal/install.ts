/**
 * Puts the new certificate on the token beside the customer's key, then removes the old one, in
 * an order that never leaves the token without a certificate for the key: create, read back and
 * compare, and only then delete. Each step is journaled first so a rerun picks up where it died.
 */
import { CapbuError } from '../errors.js';
import type { Store } from '../store/store.js';
import { setRenewalState, type RenewalRecord } from '../store/renewals.js';
import { checkpoint } from '../token/faults.js';
import { readCertificates, type CertificateObject } from '../token/objects.js';
import type { Session } from '../token/session.js';
import { destroyObject, removeHalfWritten, writeCertificate } from '../token/write.js';
import { Steps } from './steps.js';

function holding(objects: readonly CertificateObject[], der: Uint8Array): CertificateObject[] {
  return objects.filter((o) => o.value.equals(Buffer.from(der)));
}

/**
 * Finishes a renewal whose new certificate is known: from `issued`, `writing` or `written` to
 * `done`, as the steps write, verify and remove-old (none of them cancellable).
 */
export async function install(db: Store, session: Session, record: RenewalRecord, now: () => Date, steps = new Steps()): Promise<void> {
  const fresh = record.newCertificate;
  if (!fresh) throw new CapbuError('INTERNAL', { message: 'install without a certificate' });
  let before = readCertificates(session);
  const old = holding(before, record.oldCertificate);
  // The key's CKA_ID pairs the new certificate with it for every application; the old label keeps
  // it recognisable to the customer.
  const id = record.keyId ?? old[0]?.id;
  const target = id && { der: fresh, id, label: old[0]?.label ?? '' };
  // A run that died inside the write may have left a half-made object (no value, no label).
  if (record.state === 'writing' && target && removeHalfWritten(session, target) > 0) before = readCertificates(session);
  if (holding(before, fresh).length === 0) {
    if (!target) throw new CapbuError('INTERNAL', { message: 'no key ID for the new certificate' });
    const created = await steps.run('write', () => {
      setRenewalState(db, record.id, 'writing', now());
      checkpoint('writing');
      const handle = writeCertificate(session, target);
      checkpoint('created');
      return handle;
    });
    await steps.run('verify', () => {
      const back = readCertificates(session).find((o) => o.handle.equals(created));
      if (!back || !back.value.equals(Buffer.from(fresh))) {
        destroyObject(session, created);
        throw new CapbuError('TOKEN_WRITE_MISMATCH');
      }
    });
  }
  setRenewalState(db, record.id, 'written', now());
  checkpoint('written');
  await steps.run('remove-old', () => {
    for (const object of old) destroyObject(session, object.handle);
    checkpoint('deleted');
    setRenewalState(db, record.id, 'done', now());
  });
}
