/**
 * Every failure capbu reports carries one of these stable codes. Outside scripts and the other
 * front-ends rely on them; the words for each live in the message catalogues (src/i18n/).
 */
export const ERROR_CODES = [
  'USAGE',
  'CAMPAIGN_NOT_FOUND',
  'CAMPAIGN_INVALID',
  /** Two campaigns of one set share an id. */
  'CAMPAIGN_DUPLICATE_ID',
  /** An id (`--campaign ID`, `?campaign=`) that no campaign of the set has. */
  'CAMPAIGN_UNKNOWN',
  'CA_CERT_NOT_FOUND',
  'CA_CERT_INVALID',
  'REGISTRY_NOT_FOUND',
  'REGISTRY_INVALID',
  'STORE_FAILED',
  'BACKUP_INVALID',
  'MODULE_LOAD_FAILED',
  /** A PKCS#11 module whose C_Initialize did not return in time (some vendor modules hang on load). */
  'MODULE_LOAD_TIMEOUT',
  'DRIVER_MISSING',
  'DEVICE_UNKNOWN',
  'NO_TOKEN',
  'SEVERAL_TOKENS',
  'TOKEN_NOT_FOUND',
  'TOKEN_REMOVED',
  'TOKEN_ERROR',
  'TOKEN_FULL',
  'PIN_INCORRECT',
  'PIN_LOCKED',
  'PIN_INVALID',
  'PIN_MISSING',
  'PIN_CANCELLED',
  'FINAL_TRY_NEEDS_CONFIRMATION',
  'CLOCK_INVALID',
  // The renewal onto the token (src/renewal/).
  'SETTINGS_INVALID',
  'SERVER_REJECTED',
  'BAD_ISSUANCE',
  'TOKEN_WRITE_MISMATCH',
  'KEY_NOT_FOUND',
  'KEY_UNSUPPORTED',
  /** The caller stopped the renewal between two steps where stopping leaves nothing half-done. */
  'CANCELLED',
  // The central service (src/central/) and the kiosk's client of it (src/sync/).
  'CENTRAL_DB_FAILED',
  /** The directory of the centre's SQLite file is writable by other users. */
  'CENTRAL_DB_UNSAFE',
  /** The centre's SQLite file was deleted or replaced while the service ran: it stopped. */
  'CENTRAL_DB_LOST',
  /** The CA key has issued, but the centre's database holds none of it: restore it, or `serve --new-database`. */
  'CENTRAL_DB_EMPTY',
  /** The centre's database is locked elsewhere or out of connections: retry after a moment. */
  'CENTRAL_BUSY',
  'KIOSK_EXISTS',
  'KIOSK_NOT_FOUND',
  'CA_KEY_NOT_FOUND',
  'CA_KEY_INVALID',
  'CA_KEY_MISMATCH',
  /** A campaign of the set has no --ca-key. */
  'CA_KEY_MISSING',
  /** --ca-key ID=KEY names no campaign of the set. */
  'CA_KEY_CAMPAIGN_UNKNOWN',
  /** The report was asked for a campaign id the set does not hold. */
  'CAMPAIGN_ID_UNKNOWN',
  'CA_PIN_MISSING',
  'CERT_FILE_NOT_FOUND',
  'CERT_FILE_INVALID',
  'LISTEN_FAILED',
  'REQUEST_INVALID',
  'JSON_INVALID',
  'BODY_TOO_LARGE',
  'BASE64_INVALID',
  'CERTIFICATE_INVALID',
  'CSR_INVALID',
  'CSR_KEY_MISMATCH',
  'CSR_SUBJECT_MISMATCH',
  'NOT_ELIGIBLE',
  'ALREADY_RENEWED',
  'IDEMPOTENCY_KEY_REUSED',
  'UNAUTHORIZED',
  /** A valid credential asking for what its role does not allow (a kiosk reading the report). */
  'FORBIDDEN',
  /** `kiosk reissue` of a kiosk that is enrolled and in service: revoke it first. */
  'KIOSK_ENROLLED',
  'ENROLMENT_CODE_INVALID',
  'RATE_LIMITED',
  'NOT_FOUND',
  'SERVER_UNREACHABLE',
  'SERVER_UNAVAILABLE',
  'SERVER_REPLY_INVALID',
  'NOT_ENROLLED',
  // The kiosk app (src/screens/).
  'NOT_A_TERMINAL',
  /** Another kiosk app runs on the same data directory (the same demo world). */
  'KIOSK_APP_RUNNING',
  // capbu config (src/cli/commands/config.ts).
  'SETTING_UNKNOWN',
  'SETTING_VALUE_INVALID',
  /** The centre's URL and the kiosk id come from `capbu enroll`. */
  'SETTING_READ_ONLY',
  // The demo world (src/demo/).
  'DEMO_NOT_FOUND',
  'DEMO_CUSTOMER_UNKNOWN',
  'DEMO_CENTRE_FAILED',
  // The journal and its sync (src/store/journal.ts, src/sync/, POST /v1/events).
  'SYNC_BUSY',
  'EVENT_HASH_INVALID',
  'CHAIN_CONFLICT',
  // The rollout plan's overrides and the paid extension orders (src/campaign/plan.ts, orders.ts).
  'ORDERS_NOT_FOUND',
  'ORDERS_INVALID',
  'OVERRIDE_INVALID',
  'OVERRIDE_EXPIRED',
  'OVERRIDE_KEY_NOT_FOUND',
  'OVERRIDE_KEY_INVALID',
  // The supervisors' dashboard (src/central/dashboard/) and its accounts.
  'USER_EXISTS',
  'LOGIN_FAILED',
  'LOGIN_REQUIRED',
  /** Too many failed logins from one address: wait before trying again. */
  'LOGIN_THROTTLED',
  'SETUP_CODE_INVALID',
  'PASSWORD_WEAK',
  /** A form sent without its anti-forgery token, or with a wrong one. */
  'CSRF_INVALID',
  /** A supervisor asking for a province that is not theirs. */
  'PROVINCE_FORBIDDEN',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * What is wrong with a command line, as `details.usage` of a USAGE error; the catalogues say it
 * in words (`usage` section), with the option, value or argument in the other details.
 */
export const USAGE_PROBLEMS = [
  'unknownCommand',
  'unknownSubcommand',
  'missingSubcommand',
  'unknownOption',
  'missingValue',
  'noValueExpected',
  'unexpectedArgument',
  'missingArgument',
  'required',
  'wholeNumber',
  'positiveNumber',
  'kioskId',
  'channel',
  'listen',
  'role',
  /** --lang names a language capbu has no catalogue for. */
  'language',
  /** --server is not a URL the kiosk may send its credential to (`why`: a ServerUrlProblem). */
  'serverUrl',
  /** An option that only means something beside another (`--interval` without `--watch`). */
  'needsOption',
  /** A file capbu would write is there already (a backup never overwrites). */
  'fileExists',
  'serial',
  'userName',
  'userRole',
  'userProvinces',
] as const;

export type UsageProblem = (typeof USAGE_PROBLEMS)[number];

/** Values the catalogue may interpolate into the message for a code. */
export type ErrorDetails = Record<string, string | number | boolean | readonly string[] | undefined>;

export class CapbuError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(code, options);
    this.name = 'CapbuError';
    this.code = code;
    this.details = details;
  }
}

export function isCapbuError(value: unknown, code?: ErrorCode): value is CapbuError {
  return value instanceof CapbuError && (code === undefined || value.code === code);
}
