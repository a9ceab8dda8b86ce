/**
 * The one boundary where PKCS#11 return values become capbu's error codes, by number. Nothing
 * above src/token/ sees a CK_RV: the CKR name rides along only as a detail for support.
 */
import { CapbuError, type ErrorCode, type ErrorDetails } from '../errors.js';
import { pkcs11js } from './module.js';

/** CK_RV values src/token/ decides on (PKCS#11 2.40, section 5.1). */
export const CKR = {
  GENERAL_ERROR: pkcs11js.CKR_GENERAL_ERROR,
  ATTRIBUTE_SENSITIVE: pkcs11js.CKR_ATTRIBUTE_SENSITIVE,
  ATTRIBUTE_TYPE_INVALID: pkcs11js.CKR_ATTRIBUTE_TYPE_INVALID,
  DATA_LEN_RANGE: pkcs11js.CKR_DATA_LEN_RANGE,
  FUNCTION_NOT_SUPPORTED: pkcs11js.CKR_FUNCTION_NOT_SUPPORTED,
  KEY_FUNCTION_NOT_PERMITTED: pkcs11js.CKR_KEY_FUNCTION_NOT_PERMITTED,
  KEY_SIZE_RANGE: pkcs11js.CKR_KEY_SIZE_RANGE,
  KEY_TYPE_INCONSISTENT: pkcs11js.CKR_KEY_TYPE_INCONSISTENT,
  MECHANISM_INVALID: pkcs11js.CKR_MECHANISM_INVALID,
  MECHANISM_PARAM_INVALID: pkcs11js.CKR_MECHANISM_PARAM_INVALID,
  PIN_INCORRECT: pkcs11js.CKR_PIN_INCORRECT,
  PIN_LEN_RANGE: pkcs11js.CKR_PIN_LEN_RANGE,
  USER_ALREADY_LOGGED_IN: pkcs11js.CKR_USER_ALREADY_LOGGED_IN,
} as const;

const BY_RV = new Map<number, ErrorCode>([
  [pkcs11js.CKR_TOKEN_NOT_PRESENT, 'TOKEN_REMOVED'],
  [pkcs11js.CKR_DEVICE_REMOVED, 'TOKEN_REMOVED'],
  [pkcs11js.CKR_SESSION_HANDLE_INVALID, 'TOKEN_REMOVED'],
  [pkcs11js.CKR_SESSION_CLOSED, 'TOKEN_REMOVED'],
  [pkcs11js.CKR_SLOT_ID_INVALID, 'TOKEN_REMOVED'],
  [pkcs11js.CKR_TOKEN_NOT_RECOGNIZED, 'TOKEN_REMOVED'],
  [pkcs11js.CKR_PIN_INCORRECT, 'PIN_INCORRECT'],
  [pkcs11js.CKR_PIN_LOCKED, 'PIN_LOCKED'],
  [pkcs11js.CKR_PIN_LEN_RANGE, 'PIN_INCORRECT'],
  [pkcs11js.CKR_DEVICE_MEMORY, 'TOKEN_FULL'],
]);

/** CKR names by value, for the support detail only. */
const NAMES = new Map<number, string>(
  Object.entries(pkcs11js)
    .filter((entry): entry is [string, number] => entry[0].startsWith('CKR_') && typeof entry[1] === 'number')
    .map(([name, value]) => [value, name]),
);

/**
 * The CK_RV of a pkcs11js failure, or null for anything else. Pkcs11Error carries it as `code`;
 * a few calls (C_CreateObject's CKR_TEMPLATE_INCOMPLETE) throw a plain Error whose message is
 * "CKR_NAME:value", which is the only place the message is read.
 */
export function returnValue(error: unknown): number | null {
  if (error instanceof pkcs11js.Pkcs11Error && error.code !== 0) return error.code;
  if (!(error instanceof Error)) return null;
  const match = /\b(CKR_[A-Z0-9_]+)(?::(\d+))?/.exec(error.message);
  if (!match) return null;
  if (match[2] !== undefined) return Number(match[2]);
  const byName = (pkcs11js as unknown as Record<string, unknown>)[match[1]!];
  return typeof byName === 'number' ? byName : null;
}

/** The failure is one of these return values. */
export function failedWith(error: unknown, ...values: readonly number[]): boolean {
  const rv = returnValue(error);
  return rv !== null && values.includes(rv);
}

export function fromPkcs11(error: unknown, details: ErrorDetails = {}): CapbuError {
  if (error instanceof CapbuError) return error;
  const rv = returnValue(error);
  const code = (rv !== null && BY_RV.get(rv)) || 'TOKEN_ERROR';
  const ckr = rv === null ? undefined : (NAMES.get(rv) ?? `0x${rv.toString(16)}`);
  return new CapbuError(code, { ...details, ckr }, { cause: error });
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
