/**
 * Every SQL statement of the centre, written once for both databases with `?` for parameters.
 * What differs between SQLite and PostgreSQL is named in a Dialect, and nowhere else: parameter
 * markers, row locks, snapshot reads, how a unique violation is reported, and the migration lock.
 * Add a statement here and use it from both stores.
 */
import type { MigrationDialect } from '../../sql/migrate.js';
import { RENEWAL_COLUMNS } from './rows.js';

export interface Dialect {
  readonly name: 'sqlite' | 'postgres';
  /** The n-th (from 1) bound parameter. */
  readonly param: (n: number) => string;
  /** Appended to a SELECT whose row is about to be updated; SQLite's write transaction already holds the whole database. */
  readonly forUpdate: string;
  /** Run first in a read-only transaction that must see one snapshot; SQLite's transactions always do. */
  readonly snapshot: string | null;
  readonly isUniqueViolation: (error: unknown) => boolean;
}

const errorCode = (error: unknown): unknown => (error as { code?: unknown } | null)?.code;

export const SQLITE: Dialect = {
  name: 'sqlite',
  param: () => '?',
  forUpdate: '',
  snapshot: null,
  isUniqueViolation: (error) => String(errorCode(error)).startsWith('SQLITE_CONSTRAINT'),
};

/** Serialises schema changes between centre processes starting at once. */
const MIGRATION_LOCK = 0x63617062;

export const POSTGRES: Dialect = {
  name: 'postgres',
  param: (n) => `$${n}`,
  forUpdate: ' FOR UPDATE',
  snapshot: 'SET TRANSACTION ISOLATION LEVEL REPEATABLE READ',
  isUniqueViolation: (error) => errorCode(error) === '23505',
};

/** PostgreSQL's way through the migration runner (SQLite's is the runner's own, migrateSqlite). */
export const POSTGRES_MIGRATIONS: MigrationDialect = {
  begin: ['BEGIN', `SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`],
  param: POSTGRES.param,
  userVersion: false,
};

const REGISTRY_VERSION = "SELECT value FROM meta WHERE name = 'registry_version'";

function texts(forUpdate: string) {
  return {
    subscriber: 'SELECT * FROM subscribers WHERE serial = ?',
    allSubscribers: 'SELECT * FROM subscribers',
    subscribersSince: 'SELECT * FROM subscribers WHERE version > ? ORDER BY version, serial',
    registryVersion: REGISTRY_VERSION,
    // Two imports at once would both read the same version: the lock makes them take turns.
    registryVersionForUpdate: REGISTRY_VERSION + forUpdate,
    setRegistryVersion: "UPDATE meta SET value = ? WHERE name = 'registry_version'",
    upsertSubscriber: `INSERT INTO subscribers (serial, tax_code, contract_end, status, province, version, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (serial) DO UPDATE SET tax_code = excluded.tax_code, contract_end = excluded.contract_end,
         status = excluded.status, province = excluded.province, version = excluded.version, updated_at = excluded.updated_at`,
    addCertificate: 'INSERT INTO certificates (serial, der, added_at) VALUES (?, ?, ?) ON CONFLICT (serial) DO NOTHING',
    certificates: 'SELECT der FROM certificates ORDER BY serial',
    addKiosk: 'INSERT INTO kiosks (id, role, province, channel, enrolment_hash, enrolment_expires, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    /** Parameters: enrolment hash, expiry, id. */
    reissueKiosk: `UPDATE kiosks SET enrolment_hash = ?, enrolment_expires = ?, credential_hash = NULL, enrolled_at = NULL, revoked_at = NULL
       WHERE id = ? AND (credential_hash IS NULL OR revoked_at IS NOT NULL)`,
    revokeKiosk: 'UPDATE kiosks SET revoked_at = COALESCE(revoked_at, ?), enrolment_hash = NULL WHERE id = ?',
    /** Parameters: credential hash, time, enrolment hash, time. */
    enroll: `UPDATE kiosks SET credential_hash = ?, enrolled_at = ?, enrolment_hash = NULL, enrolment_expires = NULL
       WHERE enrolment_hash = ? AND revoked_at IS NULL AND enrolment_expires > ? RETURNING *`,
    kiosk: 'SELECT * FROM kiosks WHERE id = ?',
    kioskByEnrolment: 'SELECT * FROM kiosks WHERE enrolment_hash = ? AND revoked_at IS NULL AND enrolment_expires > ?',
    renewalByKey: 'SELECT * FROM renewals WHERE kiosk_id = ? AND idempotency_key = ?',
    renewalOf: 'SELECT * FROM renewals WHERE old_serial = ?',
    /**
     * Parameters: old serial, kiosk, key, request hash, time; then old serial, kiosk, key (no
     * renewal stored for either); then the time before which an unfinished claim is abandoned.
     */
    claimRenewal: `INSERT INTO renewal_claims (old_serial, kiosk_id, idempotency_key, request_hash, claimed_at)
       SELECT ?, ?, ?, ?, ?
       WHERE NOT EXISTS (SELECT 1 FROM renewals WHERE old_serial = ? OR (kiosk_id = ? AND idempotency_key = ?))
       ON CONFLICT (old_serial) DO UPDATE SET kiosk_id = excluded.kiosk_id, idempotency_key = excluded.idempotency_key,
         request_hash = excluded.request_hash, claimed_at = excluded.claimed_at
       WHERE renewal_claims.serial IS NULL AND renewal_claims.claimed_at < ?`,
    /** Parameters: the new serial, then the claim (old serial, kiosk, key, time): only the claim's holder finishes it. */
    finishClaim: `UPDATE renewal_claims SET serial = ?
       WHERE old_serial = ? AND kiosk_id = ? AND idempotency_key = ? AND claimed_at = ? AND serial IS NULL`,
    /** A claim given up (signing failed): the next request need not wait for it to go stale. */
    dropClaim: `DELETE FROM renewal_claims
       WHERE old_serial = ? AND kiosk_id = ? AND idempotency_key = ? AND claimed_at = ? AND serial IS NULL`,
    saveRenewal: `INSERT INTO renewals (${RENEWAL_COLUMNS.join(', ')}) VALUES (${RENEWAL_COLUMNS.map(() => '?').join(', ')})`,
    refusalHash: 'SELECT request_hash FROM refusals WHERE kiosk_id = ? AND idempotency_key = ?',
    saveRefusal: `INSERT INTO refusals (kiosk_id, idempotency_key, request_hash, old_serial, province, channel, hardware_version, refused_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    saveRefusalReason: 'INSERT INTO refusal_reasons (kiosk_id, idempotency_key, reason) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    renewalCounts: `SELECT province, channel, hardware_version, issued_day, COUNT(*) AS n FROM renewals
       GROUP BY province, channel, hardware_version, issued_day`,
    renewedSerials: 'SELECT old_serial FROM renewals',
    refusalCounts: `SELECT f.province, f.channel, f.hardware_version, r.reason, COUNT(*) AS n
       FROM refusals f JOIN refusal_reasons r ON r.kiosk_id = f.kiosk_id AND r.idempotency_key = f.idempotency_key
       GROUP BY f.province, f.channel, f.hardware_version, r.reason`,
    // Kiosks' journals (event-chain.ts). Batches of one kiosk take turns on its row.
    kioskChainForUpdate: 'SELECT acknowledged_seq FROM kiosks WHERE id = ?' + forUpdate,
    eventLinks: 'SELECT seq, hash, prev_hash FROM kiosk_events WHERE kiosk_id = ? AND seq BETWEEN ? AND ?',
    eventsReceivedSince: 'SELECT COUNT(*) AS n FROM kiosk_events WHERE kiosk_id = ? AND received_at > ?',
    saveEvent: `INSERT INTO kiosk_events (kiosk_id, seq, at, type, operator, data, prev_hash, hash, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    /** The latest decision on a certificate wins, whichever kiosk made it. */
    saveDecision: `INSERT INTO decisions (certificate_serial, kiosk_id, seq, at, eligible, reasons) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (certificate_serial) DO UPDATE SET kiosk_id = excluded.kiosk_id, seq = excluded.seq, at = excluded.at,
         eligible = excluded.eligible, reasons = excluded.reasons
       WHERE excluded.at > decisions.at`,
    eventAt: 'SELECT seq FROM kiosk_events WHERE kiosk_id = ? AND seq = ?',
    /** With event acknowledged + 1 stored: the last seq of the unbroken run from there. */
    chainEnd: `SELECT MIN(e.seq) AS seq FROM kiosk_events e WHERE e.kiosk_id = ? AND e.seq > ?
       AND NOT EXISTS (SELECT 1 FROM kiosk_events n WHERE n.kiosk_id = e.kiosk_id AND n.seq = e.seq + 1)`,
    setKioskChain: 'UPDATE kiosks SET acknowledged_seq = ?, last_seen_at = ? WHERE id = ?',
    kioskSeen: 'UPDATE kiosks SET last_seen_at = ? WHERE id = ?',
    // Kiosks only: a report credential never syncs, so it would show as a kiosk gone silent.
    kioskChains: `SELECT k.*, (SELECT COUNT(*) FROM kiosk_events e WHERE e.kiosk_id = k.id) AS events FROM kiosks k WHERE k.role = 'kiosk' ORDER BY k.id`,
    firstEvent: 'SELECT MIN(seq) AS seq FROM kiosk_events WHERE kiosk_id = ?',
    eventGaps: `SELECT e.seq + 1 AS from_seq,
         (SELECT MIN(n.seq) FROM kiosk_events n WHERE n.kiosk_id = e.kiosk_id AND n.seq > e.seq) - 1 AS to_seq
       FROM kiosk_events e WHERE e.kiosk_id = ?
         AND NOT EXISTS (SELECT 1 FROM kiosk_events x WHERE x.kiosk_id = e.kiosk_id AND x.seq = e.seq + 1)
         AND EXISTS (SELECT 1 FROM kiosk_events y WHERE y.kiosk_id = e.kiosk_id AND y.seq > e.seq)
       ORDER BY e.seq`,
    brokenLinks: `SELECT COUNT(*) AS n FROM kiosk_events e
       LEFT JOIN kiosk_events p ON p.kiosk_id = e.kiosk_id AND p.seq = e.seq - 1
       WHERE e.kiosk_id = ? AND ((e.seq = 1 AND e.prev_hash <> '${'0'.repeat(64)}') OR (p.seq IS NOT NULL AND e.prev_hash <> p.hash))`,
    addUser: 'INSERT INTO users (name, role, provinces, setup_code_hash, setup_expires, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    user: 'SELECT * FROM users WHERE name = ?',
    userBySetupCode: 'SELECT * FROM users WHERE setup_code_hash = ? AND setup_expires > ?',
    /** Parameters: password hash, code hash, time. */
    setPassword: `UPDATE users SET password_hash = ?, setup_code_hash = NULL, setup_expires = NULL
       WHERE setup_code_hash = ? AND setup_expires > ? RETURNING *`,
    dropUserSessions: 'DELETE FROM user_sessions WHERE user_name = ?',
    addSession: 'INSERT INTO user_sessions (token_hash, user_name, created_at, expires_at) VALUES (?, ?, ?, ?)',
    sessionUser: `SELECT u.* FROM user_sessions s JOIN users u ON u.name = s.user_name
       WHERE s.token_hash = ? AND s.expires_at > ?`,
    dropSession: 'DELETE FROM user_sessions WHERE token_hash = ?',
    decisions: `SELECT d.certificate_serial, d.eligible, d.reasons, COALESCE(s.province, k.province) AS province, k.channel
       FROM decisions d JOIN kiosks k ON k.id = d.kiosk_id LEFT JOIN subscribers s ON s.serial = d.certificate_serial`,
  };
}

export type Statements = Readonly<ReturnType<typeof texts>>;
export type StatementName = keyof Statements;

/** The statements in a dialect's own words. */
export function statements(dialect: Dialect): Statements {
  const written = texts(dialect.forUpdate);
  const out = {} as Record<StatementName, string>;
  for (const name of Object.keys(written) as StatementName[]) {
    let n = 0;
    out[name] = written[name].replace(/\?/g, () => dialect.param(++n));
  }
  return out;
}
