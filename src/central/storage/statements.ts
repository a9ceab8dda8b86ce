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
/** meta's row for `serve --new-database`: when the operator accepted this database as new. */
const NEW_DATABASE_ACCEPTED = "'new_database_accepted'";
/**
 * The row of `table` (aliased `alias`) for an old certificate: the one under its issuer's key,
 * else the one that names no key (''). MAX picks the former: '' sorts first.
 */
const rowOf = (alias: string, table: string, key: string, serial: string) =>
  `${alias}.serial = ${serial} AND ${alias}.issuer_key = (SELECT MAX(x.issuer_key) FROM ${table} x WHERE x.serial = ${serial} AND x.issuer_key IN (${key}, ''))`;
/**
 * Kiosks' decisions are kept per serial (their journals name no issuer key): the province they
 * count in is their serial's registry row's, one per serial whatever the key.
 */
const DECISION_PROVINCE = 'SELECT serial, MAX(province) AS province FROM subscribers GROUP BY serial';
/** A registry row with its paid extension order, if billing has one. */
const SUBSCRIBER_WITH_ORDER = `SELECT s.*, o.order_id, o.paid_until, o.paid_at FROM subscribers s
  LEFT JOIN paid_orders o ON ${rowOf('o', 'paid_orders', 's.issuer_key', 's.serial')}`;

function texts(forUpdate: string) {
  return {
    /** Parameters: serial, issuer key. */
    subscriber: `${SUBSCRIBER_WITH_ORDER} WHERE s.serial = ? AND s.issuer_key IN (?, '') ORDER BY s.issuer_key DESC LIMIT 1`,
    allSubscribers: 'SELECT * FROM subscribers',
    subscribersSince: `${SUBSCRIBER_WITH_ORDER} WHERE s.version > ? ORDER BY s.version, s.serial, s.issuer_key`,
    allOrders: 'SELECT * FROM paid_orders',
    upsertOrder: `INSERT INTO paid_orders (issuer_key, serial, order_id, paid_until, paid_at, imported_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (issuer_key, serial) DO UPDATE SET order_id = excluded.order_id, paid_until = excluded.paid_until,
         paid_at = excluded.paid_at, imported_at = excluded.imported_at`,
    /**
     * A changed order travels to the kiosks with the registry rows it applies to (parameters:
     * version, serial, the order's issuer key twice): one naming no key, to every row of its serial.
     */
    touchSubscriber: `UPDATE subscribers SET version = ? WHERE serial = ? AND (? = '' OR issuer_key IN (?, ''))`,
    registryVersion: REGISTRY_VERSION,
    // Two imports at once would both read the same version: the lock makes them take turns.
    registryVersionForUpdate: REGISTRY_VERSION + forUpdate,
    setRegistryVersion: "UPDATE meta SET value = ? WHERE name = 'registry_version'",
    upsertSubscriber: `INSERT INTO subscribers (issuer_key, serial, tax_code, contract_end, status, province, version, updated_at, hardware_version)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (issuer_key, serial) DO UPDATE SET tax_code = excluded.tax_code, contract_end = excluded.contract_end,
         status = excluded.status, province = excluded.province, version = excluded.version, updated_at = excluded.updated_at,
         hardware_version = excluded.hardware_version`,
    addCertificate: 'INSERT INTO certificates (issuer_key, serial, der, added_at) VALUES (?, ?, ?, ?) ON CONFLICT (issuer_key, serial) DO NOTHING',
    certificates: 'SELECT der FROM certificates ORDER BY serial, issuer_key',
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
    /**
     * Parameters: old serial, issuer key. A renewal stored before issuer keys, not yet given its
     * key (''), holds its serial under every key: never a second renewal of one certificate.
     */
    renewalOf: `SELECT * FROM renewals WHERE old_serial = ? AND issuer_key IN (?, '') ORDER BY issuer_key DESC LIMIT 1`,
    /**
     * Parameters: issuer key, old serial, kiosk, key, request hash, time; then old serial, issuer
     * key, kiosk, key (no renewal stored for either); then the time before which an unfinished
     * claim is abandoned.
     */
    claimRenewal: `INSERT INTO renewal_claims (issuer_key, old_serial, kiosk_id, idempotency_key, request_hash, claimed_at)
       SELECT ?, ?, ?, ?, ?, ?
       WHERE NOT EXISTS (SELECT 1 FROM renewals WHERE (old_serial = ? AND issuer_key IN (?, '')) OR (kiosk_id = ? AND idempotency_key = ?))
       ON CONFLICT (issuer_key, old_serial) DO UPDATE SET kiosk_id = excluded.kiosk_id, idempotency_key = excluded.idempotency_key,
         request_hash = excluded.request_hash, claimed_at = excluded.claimed_at
       WHERE renewal_claims.serial IS NULL AND renewal_claims.claimed_at < ?`,
    /** Parameters: the new serial, then the claim (issuer key, old serial, kiosk, key, time): only the claim's holder finishes it. */
    finishClaim: `UPDATE renewal_claims SET serial = ?
       WHERE issuer_key = ? AND old_serial = ? AND kiosk_id = ? AND idempotency_key = ? AND claimed_at = ? AND serial IS NULL`,
    /** A claim given up (signing failed): the next request need not wait for it to go stale. */
    dropClaim: `DELETE FROM renewal_claims
       WHERE issuer_key = ? AND old_serial = ? AND kiosk_id = ? AND idempotency_key = ? AND claimed_at = ? AND serial IS NULL`,
    saveRenewal: `INSERT INTO renewals (${RENEWAL_COLUMNS.join(', ')}) VALUES (${RENEWAL_COLUMNS.map(() => '?').join(', ')})`,
    // Rows from before issuer keys (issuer-keys.ts). Parameters: after (serial), how many.
    unkeyedRenewals: `SELECT serial, certificate, old_serial, plan_version, issued_day, channel FROM renewals
       WHERE issuer_key = '' AND serial > ? ORDER BY serial LIMIT ?`,
    keyRenewal: `UPDATE renewals SET issuer_key = ? WHERE issuer_key = '' AND serial = ?`,
    /** Parameters: serial, issuer key. */
    markCertificatePending: 'UPDATE certificates SET pending = 1 WHERE serial = ? AND issuer_key = ?',
    keyClaim: `UPDATE renewal_claims SET issuer_key = ? WHERE issuer_key = '' AND serial = ?`,
    unkeyedCertificates: `SELECT serial, der, plan_version, eligible_until, renewed FROM certificates
       WHERE issuer_key = '' AND serial > ? ORDER BY serial LIMIT ?`,
    certificateKnown: 'SELECT 1 AS known FROM certificates WHERE issuer_key = ? AND serial = ?',
    /** Decided again: its registry row may now be another. */
    keyCertificate: `UPDATE certificates SET issuer_key = ?, pending = 1 WHERE issuer_key = '' AND serial = ?`,
    refusalHash: 'SELECT request_hash FROM refusals WHERE kiosk_id = ? AND idempotency_key = ?',
    saveRefusal: `INSERT INTO refusals (kiosk_id, idempotency_key, request_hash, old_serial, province, channel, hardware_version, refused_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING kiosk_id`,
    saveRefusalReason: 'INSERT INTO refusal_reasons (kiosk_id, idempotency_key, reason) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    renewalCounts: `SELECT province, channel, hardware_version, issued_day, COUNT(*) AS n FROM renewals
       GROUP BY province, channel, hardware_version, issued_day`,
    holdsIssuance: `SELECT CASE WHEN EXISTS (SELECT 1 FROM renewal_claims) OR EXISTS (SELECT 1 FROM renewals)
         OR EXISTS (SELECT 1 FROM meta WHERE name = ${NEW_DATABASE_ACCEPTED}) THEN 1 ELSE 0 END AS held`,
    acceptNewDatabase: `INSERT INTO meta (name, value) VALUES (${NEW_DATABASE_ACCEPTED}, ?) ON CONFLICT (name) DO NOTHING`,
    renewedSerials: 'SELECT old_serial FROM renewals',
    refusalCounts: `SELECT f.province, f.channel, f.hardware_version, r.reason, COUNT(*) AS n
       FROM refusals f JOIN refusal_reasons r ON r.kiosk_id = f.kiosk_id AND r.idempotency_key = f.idempotency_key
       GROUP BY f.province, f.channel, f.hardware_version, r.reason`,
    // Kiosks' journals (event-chain.ts). Batches of one kiosk take turns on its row.
    kioskChainForUpdate: 'SELECT acknowledged_seq FROM kiosks WHERE id = ?' + forUpdate,
    eventLinks: 'SELECT seq, hash, prev_hash FROM kiosk_events WHERE kiosk_id = ? AND seq BETWEEN ? AND ?',
    /** Parameters: kiosk, the minute (ISO text to the minute) the quota's window starts in. */
    eventsReceivedSince: 'SELECT COALESCE(SUM(n), 0) AS n FROM kiosk_event_receipts WHERE kiosk_id = ? AND minute >= ?',
    /** Parameters: kiosk, minute, events stored. */
    countReceipts: `INSERT INTO kiosk_event_receipts (kiosk_id, minute, n) VALUES (?, ?, ?)
       ON CONFLICT (kiosk_id, minute) DO UPDATE SET n = kiosk_event_receipts.n + excluded.n`,
    /** Parameters: kiosk, the minute the quota's window starts in. */
    dropOldReceipts: 'DELETE FROM kiosk_event_receipts WHERE kiosk_id = ? AND minute < ?',
    eventAt: 'SELECT seq FROM kiosk_events WHERE kiosk_id = ? AND seq = ?',
    /** With event acknowledged + 1 stored: the last seq of the unbroken run from there. */
    chainEnd: `SELECT MIN(e.seq) AS seq FROM kiosk_events e WHERE e.kiosk_id = ? AND e.seq > ?
       AND NOT EXISTS (SELECT 1 FROM kiosk_events n WHERE n.kiosk_id = e.kiosk_id AND n.seq = e.seq + 1)`,
    /** Parameters: acknowledged seq, time, events just stored, kiosk. */
    setKioskChain: 'UPDATE kiosks SET acknowledged_seq = ?, last_seen_at = ?, stored_events = stored_events + ? WHERE id = ?',
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
    /** Parameters: key, time, and twice the time before which the key's window has ended. */
    countAttempt: `INSERT INTO login_attempts (key, window_start, n) VALUES (?, ?, 1)
       ON CONFLICT (key) DO UPDATE SET
         n = CASE WHEN login_attempts.window_start <= ? THEN 1 ELSE login_attempts.n + 1 END,
         window_start = CASE WHEN login_attempts.window_start <= ? THEN excluded.window_start ELSE login_attempts.window_start END
       RETURNING n, window_start`,
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
       FROM decisions d JOIN kiosks k ON k.id = d.kiosk_id
       LEFT JOIN (${DECISION_PROVINCE}) s ON s.serial = d.certificate_serial`,

    // The progress figures (progress-plans.ts keeps them; src/central/progress reads them).
    /** Parameters: kind, province, a, b, how much to add (negative to take away). */
    bumpCount: `INSERT INTO progress_counts (kind, province, a, b, n) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (kind, province, a, b) DO UPDATE SET n = progress_counts.n + excluded.n`,
    progressCampaign: 'SELECT fingerprint FROM progress_campaign WHERE id = 1',
    setProgressCampaign: `INSERT INTO progress_campaign (id, fingerprint) VALUES (1, ?)
       ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint`,
    /** The campaign the standings were decided for, and whether any waits to be decided: one round trip per read. */
    standingsState: `SELECT (SELECT fingerprint FROM progress_campaign WHERE id = 1) AS fingerprint,
       (SELECT COUNT(*) FROM (SELECT 1 FROM certificates WHERE pending = 1 LIMIT 1) p) AS pending`,
    markAllPending: 'UPDATE certificates SET pending = 1 WHERE pending = 0',
    /** Every certificate of the serial, whichever its issuer: a registry row or order naming no key stands for all of them. */
    markPending: 'UPDATE certificates SET pending = 1 WHERE serial = ?',
    /** Certificates to decide again, with what they last counted as and what they are judged on (their registry row and order). */
    /**
     * Certificates to decide again, with what they last counted as and what they are judged on
     * (their registry row and order), and their renewal if any (the one under their key, else
     * the one naming none) with what it counts as in the rollout plan.
     */
    pendingCertificates: `SELECT c.issuer_key, c.serial, c.der, c.province AS counted_province, c.eligible_from, c.eligible_until, c.renewed,
         c.plan_version AS counted_plan_version,
         s.serial AS s_serial, s.issuer_key AS s_issuer_key, s.tax_code, s.contract_end, s.status, s.province, s.hardware_version,
         o.order_id, o.paid_until, o.paid_at,
         r.issuer_key AS r_issuer_key, r.hardware_version AS r_hardware_version, r.plan_version AS r_plan_version,
         r.issued_day AS r_issued_day, r.channel AS r_channel
       FROM certificates c LEFT JOIN subscribers s ON ${rowOf('s', 'subscribers', 'c.issuer_key', 'c.serial')}
         LEFT JOIN paid_orders o ON ${rowOf('o', 'paid_orders', 's.issuer_key', 's.serial')}
         LEFT JOIN renewals r ON r.old_serial = c.serial
           AND r.issuer_key = (SELECT MAX(x.issuer_key) FROM renewals x WHERE x.old_serial = c.serial AND x.issuer_key IN (c.issuer_key, ''))
       WHERE c.pending = 1 ORDER BY c.serial, c.issuer_key LIMIT ?${forUpdate && `${forUpdate} OF c`}`,
    /** Parameters: province, eligible from and until (null: not eligible), renewed, plan version, serial, issuer key. */
    setStanding: `UPDATE certificates SET pending = 0, province = ?, eligible_from = ?, eligible_until = ?, renewed = ?, plan_version = ?
       WHERE serial = ? AND issuer_key = ?`,
    /** Parameters: serial, issuer key. */
    certificateStandingForUpdate: `SELECT c.province, c.eligible_from, c.eligible_until, c.renewed, c.pending, c.plan_version,
         s.province AS s_province, s.hardware_version AS s_hardware_version
       FROM certificates c LEFT JOIN subscribers s ON ${rowOf('s', 'subscribers', 'c.issuer_key', 'c.serial')}
       WHERE c.serial = ? AND c.issuer_key = ?${forUpdate && `${forUpdate} OF c`}`,
    /** Parameters: plan version, issuer key, old serial. */
    setRenewalPlanVersion: 'UPDATE renewals SET plan_version = ? WHERE issuer_key = ? AND old_serial = ?',
    /** Parameters: kind, issuer key, version, a, b, how much to add. */
    bumpPlanCount: `INSERT INTO plan_counts (kind, issuer_key, version, a, b, n) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (kind, issuer_key, version, a, b) DO UPDATE SET n = plan_counts.n + excluded.n`,
    /**
     * Per issuer key and plan version: certificates renewed or whose grant has not ended at an
     * instant, as 'known' less the grant ends up to it (parameters as knownByProvince's).
     */
    planKnown: `SELECT issuer_key, version, SUM(n) AS n FROM (
         SELECT issuer_key, version, n FROM plan_counts WHERE kind = 'known'
         UNION ALL SELECT issuer_key, version, n FROM plan_counts WHERE kind = 'edgeYear' AND a < ?
         UNION ALL SELECT issuer_key, version, n FROM plan_counts WHERE kind = 'edgeMonth' AND a >= ? AND a < ?
         UNION ALL SELECT issuer_key, version, n FROM plan_counts WHERE kind = 'edgeDay' AND a >= ? AND a < ?
         UNION ALL SELECT issuer_key, version, n FROM plan_counts WHERE kind = 'edge' AND a >= ? AND a <= ?
       ) c GROUP BY issuer_key, version`,
    planRenewed: `SELECT issuer_key, version, a AS day, b AS channel, n FROM plan_counts WHERE kind = 'renewed' AND n <> 0`,
    /** Parameters: kiosk, seq, at, eligible, reasons, province, channel, serial. */
    updateDecision: `UPDATE decisions SET kiosk_id = ?, seq = ?, at = ?, eligible = ?, reasons = ?, province = ?, channel = ?
       WHERE certificate_serial = ?`,
    /** A subscriber's decision, with the province it falls back to (its kiosk's) when the registry gives none. */
    subscriberDecisionForUpdate: `SELECT d.eligible, d.reasons, d.province, d.channel, k.province AS kiosk_province
       FROM decisions d JOIN kiosks k ON k.id = d.kiosk_id WHERE d.certificate_serial = ?${forUpdate}`,
    moveDecision: 'UPDATE decisions SET province = ? WHERE certificate_serial = ?',
    provinceKiosks: `SELECT id, province, channel, enrolled_at, revoked_at, last_seen_at, acknowledged_seq, stored_events
       FROM kiosks WHERE province = ? AND role = 'kiosk' ORDER BY id`,
    allKiosks: `SELECT id, province, channel, enrolled_at, revoked_at, last_seen_at, acknowledged_seq, stored_events
       FROM kiosks WHERE role = 'kiosk' ORDER BY id`,
    /** Parameters: province, now, now, after serial, how many. */
    remainingCustomers: `SELECT c.serial, s.tax_code, s.contract_end, c.eligible_until
       FROM certificates c JOIN subscribers s ON ${rowOf('s', 'subscribers', 'c.issuer_key', 'c.serial')}
       WHERE c.province = ? AND c.renewed = 0 AND c.eligible_until > ? AND c.eligible_from <= ? AND c.serial > ?
       ORDER BY c.serial LIMIT ?`,
  };
}

/** Where a scoped statement's province list goes: always after its other parameters. */
const SCOPE = '{scope}';

/** Statements limited to a list of provinces, or to all of them. */
const SCOPED = {
  /**
   * Per province: known certificates renewed, and those eligible at an instant, as the sum of
   * their windows' edges up to it (progress-plans.ts standingCounts). Parameters (reads.ts
   * knownParams): its year twice, its month twice, its day twice, the instant.
   */
  knownByProvince: `SELECT province, SUM(renewed) AS renewed, SUM(remaining) AS remaining FROM (
       SELECT province, n AS renewed, 0 AS remaining FROM progress_counts WHERE kind = 'known' AND b = '1'
       UNION ALL SELECT province, 0, n FROM progress_counts WHERE kind = 'edgeYear' AND a < ?
       UNION ALL SELECT province, 0, n FROM progress_counts WHERE kind = 'edgeMonth' AND a >= ? AND a < ?
       UNION ALL SELECT province, 0, n FROM progress_counts WHERE kind = 'edgeDay' AND a >= ? AND a < ?
       UNION ALL SELECT province, 0, n FROM progress_counts WHERE kind = 'edge' AND a >= ? AND a <= ?
     ) c WHERE ${SCOPE} GROUP BY province`,
  renewalsPerDay: `SELECT a AS day, SUM(n) AS n FROM progress_counts WHERE kind = 'day' AND ${SCOPE} GROUP BY a ORDER BY a`,
  /** Renewed by channel and hardware version, refused by reason per channel (kiosks' decisions) and per hardware version (the centre's refusals). */
  kinds: `SELECT kind, province, a, b, n FROM progress_counts WHERE kind IN ('renewed', 'refused', 'refusedHw') AND n <> 0 AND ${SCOPE}`,
  /** Parameters: seen before. */
  staleKiosks: `SELECT id, province, channel, enrolled_at, revoked_at, last_seen_at, acknowledged_seq, stored_events
     FROM kiosks WHERE role = 'kiosk' AND revoked_at IS NULL AND enrolled_at IS NOT NULL AND (last_seen_at IS NULL OR last_seen_at < ?) AND ${SCOPE}
     ORDER BY COALESCE(last_seen_at, ''), id`,
} as const;

export type ScopedName = keyof typeof SCOPED;

/** All provinces, or only these (province codes as the registry and kiosks spell them). */
export type Scope = 'all' | readonly string[];

/** A scoped statement in a dialect's words, its province list appended to `params`. */
export function scopedCommand(dialect: Dialect, name: ScopedName, params: readonly unknown[], scope: Scope): { sql: string; params: unknown[] } {
  const clause = scope === 'all' ? '1 = 1' : scope.length === 0 ? '1 = 0' : `province IN (${scope.map(() => '?').join(', ')})`;
  let n = 0;
  const sql = SCOPED[name].replace(SCOPE, clause).replace(/\?/g, () => dialect.param(++n));
  return { sql, params: scope === 'all' ? [...params] : [...params, ...scope] };
}

/** Where a statement over many rows repeats its row: one `row` per item, comma-separated. */
const ROWS = '{rows}';

/**
 * Statements over many rows at once, so a batch costs a few statements whatever its size; each
 * names the SQL and the shape of one row. Rows are locked in key order (two writers then take
 * them in the same order).
 */
const MANY = {
  saveEvents: {
    text: `INSERT INTO kiosk_events (kiosk_id, seq, at, type, operator, data, prev_hash, hash, received_at) VALUES ${ROWS}`,
    row: '(?, ?, ?, ?, ?, ?, ?, ?, ?)',
  },
  /** A decision's province is its serial's registry row's, whatever the key (see DECISION_PROVINCE). */
  subscriberProvinces: { text: `SELECT serial, MAX(province) AS province FROM subscribers WHERE serial IN (${ROWS}) GROUP BY serial`, row: '?' },
  decisionsForUpdate: {
    text: `SELECT certificate_serial, at, eligible, reasons, province, channel FROM decisions
       WHERE certificate_serial IN (${ROWS}) ORDER BY certificate_serial{forUpdate}`,
    row: '?',
  },
  /** Row: serial, kiosk, seq, at, eligible, reasons, province, channel. Returns the serials it stored. */
  insertDecisions: {
    text: `INSERT INTO decisions (certificate_serial, kiosk_id, seq, at, eligible, reasons, province, channel)
       VALUES ${ROWS} ON CONFLICT (certificate_serial) DO NOTHING RETURNING certificate_serial`,
    row: '(?, ?, ?, ?, ?, ?, ?, ?)',
  },
} as const;

export type ManyName = keyof typeof MANY;

/** How many rows one statement takes: a few sizes, so each database prepares only a few texts. */
const CHUNKS = [64, 16, 4, 1] as const;

const manyTexts = new Map<string, string>();

function manyText(dialect: Dialect, name: ManyName, size: number): string {
  const key = `${dialect.name} ${name} ${size}`;
  let sql = manyTexts.get(key);
  if (sql === undefined) {
    const { text, row } = MANY[name];
    let n = 0;
    sql = text
      .replace('{forUpdate}', dialect.forUpdate)
      .replace(ROWS, Array(size).fill(row).join(', '))
      .replace(/\?/g, () => dialect.param(++n));
    manyTexts.set(key, sql);
  }
  return sql;
}

/** A statement over many rows in a dialect's words, as commands of at most 64 rows each. */
export function manyCommands(dialect: Dialect, name: ManyName, rows: readonly (readonly unknown[])[]): { sql: string; params: unknown[] }[] {
  const commands: { sql: string; params: unknown[] }[] = [];
  let at = 0;
  for (const size of CHUNKS) {
    for (; rows.length - at >= size; at += size) {
      // A loop, not Array#flat: this runs for every event a kiosk sends.
      const params: unknown[] = [];
      for (let i = at; i < at + size; i++) for (const value of rows[i]!) params.push(value);
      commands.push({ sql: manyText(dialect, name, size), params });
    }
  }
  return commands;
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
