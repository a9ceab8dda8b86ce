/**
 * A kiosk added straight into a centre's store, as `capbu central kiosk add` adds one, for the
 * tests and benchmarks that set a centre up without the command.
 */
import { enrolmentCodeHash, newEnrolmentCode } from '../../src/central/credentials.js';
import type { CentralStore, NewKiosk } from '../../src/central/storage/store.js';

/** Adds the kiosk with a new one-time enrolment code, valid for `validMs` after `at`: the code. */
export async function addKioskWithCode(
  store: Pick<CentralStore, 'addKiosk'>,
  kiosk: Pick<NewKiosk, 'id' | 'role' | 'province' | 'channel'>,
  at: Date,
  validMs = 3600_000,
): Promise<string> {
  const code = newEnrolmentCode();
  await store.addKiosk({
    ...kiosk,
    enrolmentHash: enrolmentCodeHash(code),
    enrolmentExpires: new Date(at.getTime() + validMs).toISOString(),
    createdAt: at.toISOString(),
  });
  return code;
}
