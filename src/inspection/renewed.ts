/** The kiosk's finished renewals, as inspect() asks about each certificate: one answer for every front-end. */
import { renewalFor } from '../store/renewals.js';
import type { Store } from '../store/store.js';
import type { RenewalLookup } from './inspect.js';

/** The certificates this kiosk put on a token, so a renewed token reads as renewed. */
export function renewedFrom(db: Store): RenewalLookup {
  return (der) => {
    const record = renewalFor(db, [der]);
    return record?.state === 'done' && record.newCertificate?.equals(der) ? { oldSerial: record.oldSerial, at: record.updatedAt } : null;
  };
}
