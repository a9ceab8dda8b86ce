/**
 * What the centre keeps, behind one interface with two implementations (embedded SQLite, the
 * default; PostgreSQL for a shared deployment). Uniqueness that protects issuance (one renewal per
 * old certificate, one per kiosk and idempotency key) lives in the database's constraints, so it
 * holds however many requests race.
 */
import type { CertificateKey, SubscriberRecord } from '../../campaign/registry.js';

export type { CertificateKey };
import type { OrderRow } from '../../campaign/orders.js';
import type { CapbuError } from '../../errors.js';
import type { Channel } from '../api.js';
import type { JournalEvent } from '../../journal/format.js';
import type { DecisionRecord, EventQuota, KioskChain, SavedEvents } from './event-chain.js';
import type { Judge, ReadPlan } from './progress-plans.js';

/** What a credential may do: a kiosk renews and syncs; a report credential reads the report only. */
export type CredentialRole = 'kiosk' | 'report';

export interface KioskRecord {
  readonly id: string;
  readonly role: CredentialRole;
  readonly province: string;
  readonly channel: Channel;
  /** sha256 (hex) of the credential's secret part; null until enrolled. */
  readonly credentialHash: string | null;
  readonly enrolledAt: string | null;
  readonly revokedAt: string | null;
}

export interface NewKiosk {
  readonly id: string;
  /** 'kiosk' when not given. */
  readonly role?: CredentialRole;
  readonly province: string;
  readonly channel: Channel;
  readonly enrolmentHash: string;
  readonly enrolmentExpires: string;
  readonly createdAt: string;
}

export interface NewCertificate {
  readonly serial: string;
  readonly der: Uint8Array;
  readonly issuerKeyId?: string;
}

export interface IssuedRenewal {
  /** The old CA key's identifier, of the campaign whose old CA signed the old certificate. */
  readonly issuerKeyId: string;
  readonly oldSerial: string;
  /** sha256 (hex) of the old certificate's DER: tells a retry from a look-alike with the same serial. */
  readonly oldCertificateHash: string;
  readonly kioskId: string;
  readonly idempotencyKey: string;
  readonly requestHash: string;
  readonly serial: string;
  /** Base64 DER. */
  readonly certificate: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly issuedAt: string;
  /** Calendar date of issuedAt in the campaign's time zone, for the per-day report. */
  readonly issuedDay: string;
  readonly province: string;
  readonly channel: string;
  readonly hardwareVersion: string;
  readonly tokenSerial: string;
  readonly tokenManufacturer: string;
  readonly tokenModel: string;
  readonly operator: string;
}

export interface RenewalClaim {
  readonly issuerKeyId: string;
  readonly oldSerial: string;
  readonly kioskId: string;
  readonly idempotencyKey: string;
  readonly requestHash: string;
  readonly claimedAt: string;
  /** A claim older than this, never finished, belongs to a request that died: it may be taken over. */
  readonly abandonedBefore: string;
}

/** What a store tells the service's log about its database. */
export interface StoreLog {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface StoreOptions {
  /**
   * How long a request waits for the database (SQLite: a lock held elsewhere; PostgreSQL: a free
   * connection) before CENTRAL_BUSY, 503 with Retry-After.
   */
  readonly waitMs: number;
  /** PostgreSQL connections per process. */
  readonly pool: number;
  readonly log: StoreLog;
  /** Told once when the database is gone from under the service (its file deleted or replaced). */
  readonly onLost?: (error: CapbuError) => void;
}

export const DEFAULT_STORE_OPTIONS: StoreOptions = { waitMs: 5000, pool: 10, log: { warn: () => undefined, error: () => undefined } };

export interface RefusalRecord {
  readonly kioskId: string;
  readonly idempotencyKey: string;
  readonly requestHash: string;
  readonly oldSerial: string;
  readonly reasons: readonly string[];
  readonly province: string;
  readonly channel: string;
  readonly hardwareVersion: string;
  readonly refusedAt: string;
}

export interface RegistryImportResult {
  readonly added: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly version: number;
}

export interface RegistryChanges {
  readonly version: number;
  readonly rows: SubscriberRecord[];
}

/** Counts grouped by the report's three dimensions; the report rolls them up. */
export interface RenewalCount {
  readonly province: string;
  readonly channel: string;
  readonly hardwareVersion: string;
  readonly day: string;
  readonly count: number;
}

export interface RefusalCount {
  readonly province: string;
  readonly channel: string;
  readonly hardwareVersion: string;
  readonly reason: string;
  readonly count: number;
}

export interface OrdersImportResult {
  readonly added: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly version: number;
}

export const USER_ROLES = ['admin', 'supervisor'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** A person who reads the dashboard: an admin sees every province, a supervisor only theirs. */
export interface UserRecord {
  readonly name: string;
  readonly role: UserRole;
  /** Province codes a supervisor may see; empty for an admin. */
  readonly provinces: readonly string[];
  /** scrypt (central/dashboard/passwords.ts); null until the one-time code is spent. */
  readonly passwordHash: string | null;
}

export interface NewUser {
  readonly name: string;
  readonly role: UserRole;
  readonly provinces: readonly string[];
  /** sha256 (hex) of the one-time code that sets the password. */
  readonly setupCodeHash: string;
  readonly setupExpires: string;
  readonly createdAt: string;
}

export interface NewSession {
  /** sha256 (hex) of the cookie's token. */
  readonly tokenHash: string;
  readonly userName: string;
  readonly createdAt: string;
  readonly expiresAt: string;
}

export interface CentralStore {
  readonly kind: 'sqlite' | 'postgres';

  /** The whole list lands in one transaction; rows that changed get the next registry version. */
  importRegistry(records: readonly SubscriberRecord[], at: string): Promise<RegistryImportResult>;
  /** The registry row for an old certificate: the one under its issuer's key, else the one naming no key. */
  subscriber(key: CertificateKey): Promise<SubscriberRecord | null>;
  registrySince(version: number): Promise<RegistryChanges>;
  /**
   * Paid extension orders, in one transaction: an order for a serial replaces its earlier one;
   * the registry rows of changed orders get the next registry version, so kiosks pull them.
   */
  importOrders(orders: readonly OrderRow[], at: string): Promise<OrdersImportResult>;

  /**
   * Certificates by issuer key (their AuthorityKeyIdentifier's, when not given) and serial; one
   * already known is left as it is.
   */
  addCertificates(certificates: readonly NewCertificate[], at: string): Promise<{ added: number; known: number }>;
  certificates(): Promise<Uint8Array[]>;

  /** Throws KIOSK_EXISTS for an id in use. */
  addKiosk(kiosk: NewKiosk): Promise<void>;
  /**
   * A new one-time code for a kiosk id whose enrolment failed or that was revoked: its old
   * credential, if any, stops working. 'enrolled' (nothing changed) for a kiosk in service.
   */
  reissueKiosk(id: string, enrolmentHash: string, enrolmentExpires: string): Promise<'reissued' | 'enrolled' | 'missing'>;
  /** False when no such kiosk. */
  revokeKiosk(id: string, at: string): Promise<boolean>;
  /** The kiosk a live (unspent, unexpired, unrevoked) enrolment code belongs to. */
  kioskByEnrolment(enrolmentHash: string, at: string): Promise<KioskRecord | null>;
  /** Spends a live enrolment code: the kiosk, now holding the credential, or null. */
  enroll(enrolmentHash: string, credentialHash: string, at: string): Promise<KioskRecord | null>;
  kiosk(id: string): Promise<KioskRecord | null>;

  renewalByKey(kioskId: string, idempotencyKey: string): Promise<IssuedRenewal | null>;
  renewalOf(old: CertificateKey): Promise<IssuedRenewal | null>;
  /**
   * Gives renewals and certificates stored before issuer keys ('') theirs: a renewal its old
   * CA's, as `oldKeyOfRenewal` finds it from the certificate the centre issued (null: none of
   * the campaigns' new CAs signed it, so it keeps '' and holds its serial under every key); a
   * certificate its AuthorityKeyIdentifier's. Returns how many rows it moved.
   */
  adoptIssuerKeys(oldKeyOfRenewal: (certificate: Uint8Array) => string | null): Promise<{ renewals: number; certificates: number }>;
  /**
   * Issues at most once per old certificate, and signs only what it can store: holds the
   * connection that will store the renewal, claims the old certificate for this request, and
   * only then calls `sign`, storing what it returns. 'taken' when the old certificate or the
   * kiosk's idempotency key already has a renewal or a live claim (`sign` was not called), or,
   * rarely, when this request's claim was taken over while it signed (what it signed is not stored).
   */
  issueOnce(claim: RenewalClaim, sign: () => Promise<IssuedRenewal>): Promise<{ kind: 'stored'; renewal: IssuedRenewal } | { kind: 'taken' }>;
  refusalHash(kioskId: string, idempotencyKey: string): Promise<string | null>;
  /** A retried refusal under the same key is stored once. */
  saveRefusal(refusal: RefusalRecord): Promise<void>;

  /**
   * A checked batch of a kiosk's journal (central/events.ts checkEvents), stored whole or not at
   * all: CHAIN_CONFLICT when it does not fit the stored chain, over-quota past the kiosk's quota.
   */
  saveEvents(kioskId: string, events: readonly JournalEvent[], at: Date, quota: EventQuota): Promise<SavedEvents>;
  /** The kiosk was heard from (a registry pull): its last-seen time. */
  kioskSeen(kioskId: string, at: string): Promise<void>;
  kioskChains(): Promise<KioskChain[]>;
  /** The latest check.decided of each certificate. */
  decisions(): Promise<DecisionRecord[]>;

  /**
   * Decides the standing of every certificate that needs it (added, its registry row changed, or
   * all of them when `fingerprint`, the campaign's, differs from the one they were decided for),
   * in batches of their own transactions; returns how many were decided.
   */
  refreshStandings(fingerprint: string, judge: Judge): Promise<number>;
  /** Runs a read of the progress figures (src/central/progress) in one snapshot. */
  readProgress<T>(plan: ReadPlan<T>): Promise<T>;

  renewalCounts(): Promise<RenewalCount[]>;
  renewedSerials(): Promise<string[]>;
  /**
   * Whether this database is the record of a CA key's issuance: it holds a renewal or a claim,
   * or it was accepted as the key's new database (`serve --new-database`).
   */
  holdsIssuance(): Promise<boolean>;
  /** Records that the operator started the service on this database knowing it is new. */
  acceptNewDatabase(at: Date): Promise<void>;
  refusalCounts(): Promise<RefusalCount[]>;

  /**
   * One more attempt under `key` (a dashboard login from an address): how many there were in its
   * window, which starts at the first attempt and lasts `windowMs`, and when it started.
   */
  countAttempt(key: string, at: string, windowMs: number): Promise<{ count: number; windowStart: string }>;
  /** Throws USER_EXISTS for a name in use. */
  addUser(user: NewUser): Promise<void>;
  user(name: string): Promise<UserRecord | null>;
  /** The user a live (unspent, unexpired) one-time code belongs to. */
  userBySetupCode(codeHash: string, at: string): Promise<UserRecord | null>;
  /** Spends a live one-time code, setting the password and ending the user's sessions: the user, or null. */
  setPassword(codeHash: string, passwordHash: string, at: string): Promise<UserRecord | null>;
  addSession(session: NewSession): Promise<void>;
  /** The user of an unexpired session. */
  sessionUser(tokenHash: string, at: string): Promise<UserRecord | null>;
  dropSession(tokenHash: string): Promise<void>;

  close(): Promise<void>;
}
