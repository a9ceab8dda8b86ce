/**
 * The one boundary where PKCS#11 return values become capbu's error codes. Nothing above
 * src/token/ sees a CKR name.
 */
import { CapbuError, type ErrorCode, type ErrorDetails } from '../errors.js';

const BY_CKR: Record<string, ErrorCode> = {
  CKR_TOKEN_NOT_PRESENT: 'TOKEN_REMOVED',
  CKR_DEVICE_REMOVED: 'TOKEN_REMOVED',
  CKR_SESSION_HANDLE_INVALID: 'TOKEN_REMOVED',
  CKR_SESSION_CLOSED: 'TOKEN_REMOVED',
  CKR_SLOT_ID_INVALID: 'TOKEN_REMOVED',
  CKR_TOKEN_NOT_RECOGNIZED: 'TOKEN_REMOVED',
  CKR_PIN_INCORRECT: 'PIN_INCORRECT',
  CKR_PIN_LOCKED: 'PIN_LOCKED',
  CKR_PIN_LEN_RANGE: 'PIN_INCORRECT',
  CKR_DEVICE_MEMORY: 'TOKEN_FULL',
};

/** The CKR name of a pkcs11js failure: from `.code` when set, else from the message. */
export function ckrName(error: unknown): string | null {
  const message = error instanceof Error ? error.message : String(error);
  const match = /CKR_[A-Z_]+/.exec(message);
  return match ? match[0] : null;
}

export function fromPkcs11(error: unknown, details: ErrorDetails = {}): CapbuError {
  if (error instanceof CapbuError) return error;
  const ckr = ckrName(error);
  const code = (ckr && BY_CKR[ckr]) || 'TOKEN_ERROR';
  return new CapbuError(code, { ...details, ckr: ckr ?? undefined }, { cause: error });
}

/** Runs a PKCS#11 step, turning whatever it throws into a typed error. */
export function guard<T>(step: () => T, details?: ErrorDetails): T {
  try {
    return step();
  } catch (error) {
    throw fromPkcs11(error, details);
  }
}

export async function guardAsync<T>(step: () => Promise<T>, details?: ErrorDetails): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw fromPkcs11(error, details);
  }
}
