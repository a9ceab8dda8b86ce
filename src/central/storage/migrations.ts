/**
 * The centre's schema, as numbered steps applied in order at start. The SQL is written once for
 * both databases (TEXT and BIGINT columns, ISO-8601 times, base64 DER), so SQLite and PostgreSQL
 * hold the same schema. Append new steps; never edit one that has shipped. src/sql/migrate.ts
 * applies them.
 */
import type { Migration } from '../../sql/migrate.js';

/**
 * Step 11's count of the windows' edges at one level of time (kind, characters of the instant
 * kept), from each certificate's stored standing. Written out here, not taken from the code that
 * counts today, so the step stays what it was.
 */
const windowEdgesAt = (kind: string, length: number) => `INSERT INTO progress_counts (kind, province, a, b, n)
   SELECT '${kind}', province, SUBSTR(at, 1, ${length}), '', SUM(n) FROM (
     SELECT province, eligible_from AS at, 1 AS n FROM certificates
       WHERE province IS NOT NULL AND renewed = 0 AND eligible_from < eligible_until
     UNION ALL SELECT province, eligible_until, -1 FROM certificates
       WHERE province IS NOT NULL AND renewed = 0 AND eligible_from < eligible_until
   ) edges GROUP BY province, SUBSTR(at, 1, ${length})`;

/** Step 12: a certificate's registry row's hardware version (the row under its issuer's key, else the one naming none). */
const REGISTRY_VERSION_OF_CERTIFICATE = `SELECT s.hardware_version FROM subscribers s WHERE s.serial = certificates.serial
  AND s.issuer_key = (SELECT MAX(x.issuer_key) FROM subscribers x WHERE x.serial = certificates.serial AND x.issuer_key IN (certificates.issuer_key, ''))`;

/** Step 12's count of unrenewed certificates' grant ends at one level of time, as step 11's edges. */
const grantEndsAt = (kind: string, length: number) => `INSERT INTO plan_counts (kind, issuer_key, version, a, b, n)
   SELECT '${kind}', issuer_key, plan_version, SUBSTR(eligible_until, 1, ${length}), '', -COUNT(*) FROM certificates
     WHERE plan_version IS NOT NULL AND renewed = 0 AND eligible_until IS NOT NULL
     GROUP BY issuer_key, plan_version, SUBSTR(eligible_until, 1, ${length})`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    statements: [
      `CREATE TABLE meta (name TEXT PRIMARY KEY, value BIGINT NOT NULL)`,
      `INSERT INTO meta (name, value) VALUES ('registry_version', 0)`,
      `CREATE TABLE subscribers (
         serial TEXT PRIMARY KEY,
         tax_code TEXT NOT NULL,
         contract_end TEXT NOT NULL,
         status TEXT NOT NULL,
         province TEXT,
         version BIGINT NOT NULL,
         updated_at TEXT NOT NULL
       )`,
      `CREATE INDEX subscribers_by_version ON subscribers (version)`,
      `CREATE TABLE certificates (
         serial TEXT PRIMARY KEY,
         der TEXT NOT NULL,
         added_at TEXT NOT NULL
       )`,
      `CREATE TABLE kiosks (
         id TEXT PRIMARY KEY,
         province TEXT NOT NULL,
         channel TEXT NOT NULL,
         enrolment_hash TEXT UNIQUE,
         enrolment_expires TEXT,
         credential_hash TEXT,
         created_at TEXT NOT NULL,
         enrolled_at TEXT,
         revoked_at TEXT
       )`,
      // The primary key is the rule "exactly one renewal per old certificate".
      `CREATE TABLE renewals (
         old_serial TEXT PRIMARY KEY,
         old_certificate_hash TEXT NOT NULL,
         kiosk_id TEXT NOT NULL REFERENCES kiosks (id),
         idempotency_key TEXT NOT NULL,
         request_hash TEXT NOT NULL,
         serial TEXT NOT NULL UNIQUE,
         certificate TEXT NOT NULL,
         not_before TEXT NOT NULL,
         not_after TEXT NOT NULL,
         issued_at TEXT NOT NULL,
         issued_day TEXT NOT NULL,
         province TEXT NOT NULL,
         channel TEXT NOT NULL,
         hardware_version TEXT NOT NULL,
         token_serial TEXT NOT NULL,
         token_manufacturer TEXT NOT NULL,
         token_model TEXT NOT NULL,
         operator TEXT NOT NULL,
         UNIQUE (kiosk_id, idempotency_key)
       )`,
      `CREATE TABLE refusals (
         kiosk_id TEXT NOT NULL REFERENCES kiosks (id),
         idempotency_key TEXT NOT NULL,
         request_hash TEXT NOT NULL,
         old_serial TEXT NOT NULL,
         province TEXT NOT NULL,
         channel TEXT NOT NULL,
         hardware_version TEXT NOT NULL,
         refused_at TEXT NOT NULL,
         PRIMARY KEY (kiosk_id, idempotency_key)
       )`,
      `CREATE TABLE refusal_reasons (
         kiosk_id TEXT NOT NULL,
         idempotency_key TEXT NOT NULL,
         reason TEXT NOT NULL,
         PRIMARY KEY (kiosk_id, idempotency_key, reason),
         FOREIGN KEY (kiosk_id, idempotency_key) REFERENCES refusals (kiosk_id, idempotency_key)
       )`,
      `CREATE TABLE events (
         kiosk_id TEXT NOT NULL REFERENCES kiosks (id),
         sequence BIGINT NOT NULL,
         type TEXT NOT NULL,
         at TEXT NOT NULL,
         data TEXT,
         received_at TEXT NOT NULL,
         PRIMARY KEY (kiosk_id, sequence)
       )`,
    ],
  },
  {
    version: 2,
    name: 'renewal-claims',
    statements: [
      // Taken before the CA key signs: a request that cannot claim the old certificate never
      // reaches the key. A claim stays once its renewal is stored (serial set), so it can never
      // be taken again; one whose request died is taken over after a while.
      `CREATE TABLE renewal_claims (
         old_serial TEXT PRIMARY KEY,
         kiosk_id TEXT NOT NULL,
         idempotency_key TEXT NOT NULL,
         request_hash TEXT NOT NULL,
         claimed_at TEXT NOT NULL,
         serial TEXT,
         UNIQUE (kiosk_id, idempotency_key)
       )`,
    ],
  },
  {
    version: 3,
    name: 'journal-chain',
    statements: [
      // Kiosks' hash-chained journals (the first events table took unchained events and stays, unused).
      `CREATE TABLE kiosk_events (
         kiosk_id TEXT NOT NULL REFERENCES kiosks (id),
         seq BIGINT NOT NULL,
         at TEXT NOT NULL,
         type TEXT NOT NULL,
         operator TEXT,
         data TEXT NOT NULL,
         prev_hash TEXT NOT NULL,
         hash TEXT NOT NULL,
         received_at TEXT NOT NULL,
         PRIMARY KEY (kiosk_id, seq)
       )`,
      `CREATE INDEX kiosk_events_received ON kiosk_events (kiosk_id, received_at)`,
      `ALTER TABLE kiosks ADD COLUMN acknowledged_seq BIGINT NOT NULL DEFAULT 0`,
      `ALTER TABLE kiosks ADD COLUMN last_seen_at TEXT`,
      // The latest check.decided per certificate, for the report's refusals.
      `CREATE TABLE decisions (
         certificate_serial TEXT PRIMARY KEY,
         kiosk_id TEXT NOT NULL REFERENCES kiosks (id),
         seq BIGINT NOT NULL,
         at TEXT NOT NULL,
         eligible INTEGER NOT NULL,
         reasons TEXT NOT NULL
       )`,
    ],
  },
  {
    version: 4,
    name: 'credential-roles',
    statements: [
      // What a credential may do: a kiosk renews and syncs; a report credential reads the report.
      `ALTER TABLE kiosks ADD COLUMN role TEXT NOT NULL DEFAULT 'kiosk'`,
    ],
  },
  {
    version: 5,
    name: 'progress-counts',
    statements: [
      // Each known certificate's standing, decided once (progress/eligibility.ts) rather than at
      // every report: what it counts as (province, eligible until, renewed) and whether that needs
      // deciding again (new certificate, changed registry row, another campaign). Existing
      // certificates start pending; the centre decides them when it starts.
      `ALTER TABLE certificates ADD COLUMN pending INTEGER NOT NULL DEFAULT 1`,
      `ALTER TABLE certificates ADD COLUMN province TEXT`,
      `ALTER TABLE certificates ADD COLUMN eligible_until TEXT`,
      `ALTER TABLE certificates ADD COLUMN renewed INTEGER NOT NULL DEFAULT 0`,
      `CREATE INDEX certificates_pending ON certificates (serial) WHERE pending = 1`,
      `CREATE INDEX certificates_remaining ON certificates (province, serial) WHERE renewed = 0 AND eligible_until IS NOT NULL`,
      `CREATE TABLE progress_campaign (id INTEGER PRIMARY KEY, fingerprint TEXT NOT NULL)`,
      // The report's figures, kept in the transaction that changes what they count. kind:
      // known (a: eligible until or '', b: renewed 0/1), day (a: issued day), renewed (a: channel,
      // b: hardware version), refused (a: channel, b: the decision's reasons as JSON),
      // refusedHw (a: hardware version, b: reason).
      `CREATE TABLE progress_counts (
         kind TEXT NOT NULL,
         province TEXT NOT NULL,
         a TEXT NOT NULL,
         b TEXT NOT NULL,
         n BIGINT NOT NULL,
         PRIMARY KEY (kind, province, a, b)
       )`,
      `INSERT INTO progress_counts (kind, province, a, b, n)
         SELECT 'day', province, issued_day, '', COUNT(*) FROM renewals GROUP BY province, issued_day`,
      `INSERT INTO progress_counts (kind, province, a, b, n)
         SELECT 'renewed', province, channel, hardware_version, COUNT(*) FROM renewals GROUP BY province, channel, hardware_version`,
      `INSERT INTO progress_counts (kind, province, a, b, n)
         SELECT 'refusedHw', f.province, f.hardware_version, r.reason, COUNT(*)
         FROM refusals f JOIN refusal_reasons r ON r.kiosk_id = f.kiosk_id AND r.idempotency_key = f.idempotency_key
         GROUP BY f.province, f.hardware_version, r.reason`,
      // Where each decision counts, kept with it so a registry change can move it.
      `ALTER TABLE decisions ADD COLUMN province TEXT`,
      `ALTER TABLE decisions ADD COLUMN channel TEXT`,
      `UPDATE decisions SET
         province = COALESCE((SELECT s.province FROM subscribers s WHERE s.serial = decisions.certificate_serial),
                             (SELECT k.province FROM kiosks k WHERE k.id = decisions.kiosk_id)),
         channel = (SELECT k.channel FROM kiosks k WHERE k.id = decisions.kiosk_id)`,
      `INSERT INTO progress_counts (kind, province, a, b, n)
         SELECT 'refused', province, channel, reasons, COUNT(*) FROM decisions WHERE eligible = 0 GROUP BY province, channel, reasons`,
      `ALTER TABLE kiosks ADD COLUMN stored_events BIGINT NOT NULL DEFAULT 0`,
      `UPDATE kiosks SET stored_events = (SELECT COUNT(*) FROM kiosk_events e WHERE e.kiosk_id = kiosks.id)`,
      `CREATE INDEX kiosks_by_province ON kiosks (province, id)`,
    ],
  },
  {
    version: 6,
    name: 'eligibility-window',
    statements: [
      // A rollout plan opens renewal on a day: eligibility is a window, from that day until the
      // grant runs out. Every standing is decided again, and counted afresh, when the centre starts.
      `ALTER TABLE certificates ADD COLUMN eligible_from TEXT`,
      `DELETE FROM progress_counts WHERE kind = 'known'`,
      `UPDATE certificates SET pending = 1, province = NULL, eligible_until = NULL, renewed = 0`,
    ],
  },
  {
    version: 7,
    name: 'rollout-and-paid-orders',
    statements: [
      // The token sold with each certificate, for the rollout plan (src/campaign/plan.ts).
      `ALTER TABLE subscribers ADD COLUMN hardware_version TEXT`,
      // Paid extensions imported from billing; an import moves the registry version of the rows
      // it changes, so kiosks pull them with the registry.
      `CREATE TABLE paid_orders (
         serial TEXT PRIMARY KEY,
         order_id TEXT NOT NULL,
         paid_until TEXT NOT NULL,
         paid_at TEXT,
         imported_at TEXT NOT NULL
       )`,
    ],
  },
  {
    version: 8,
    name: 'dashboard-users',
    statements: [
      // The dashboard's people (not kiosks): a supervisor's provinces are comma-separated codes,
      // empty for an admin. The password is set once through a one-time code, which is cleared then.
      `CREATE TABLE users (
         name TEXT PRIMARY KEY,
         role TEXT NOT NULL,
         provinces TEXT NOT NULL,
         password_hash TEXT,
         setup_code_hash TEXT UNIQUE,
         setup_expires TEXT,
         created_at TEXT NOT NULL
       )`,
      // Server-side sessions: the cookie holds a random token, the table only its hash.
      `CREATE TABLE user_sessions (
         token_hash TEXT PRIMARY KEY,
         user_name TEXT NOT NULL REFERENCES users (name),
         created_at TEXT NOT NULL,
         expires_at TEXT NOT NULL
       )`,
    ],
  },
  {
    version: 9,
    name: 'issuer-keys',
    statements: [
      // Every re-key caps certificates again and waves reuse serials: an old certificate is its
      // issuer's key identifier (as its AuthorityKeyIdentifier names it) and its serial. The key
      // cannot be read from SQL, so existing rows get '' (not said): registry rows and orders keep
      // standing for their serial under any CA key; renewals and certificates are given their
      // keys when the centre next starts with its campaigns (storage/issuer-keys.ts). Changing a
      // primary key means copying the table, in both databases alike.
      `CREATE TABLE subscribers_keyed (
         issuer_key TEXT NOT NULL DEFAULT '',
         serial TEXT NOT NULL,
         tax_code TEXT NOT NULL,
         contract_end TEXT NOT NULL,
         status TEXT NOT NULL,
         province TEXT,
         version BIGINT NOT NULL,
         updated_at TEXT NOT NULL,
         hardware_version TEXT,
         PRIMARY KEY (issuer_key, serial)
       )`,
      `INSERT INTO subscribers_keyed (issuer_key, serial, tax_code, contract_end, status, province, version, updated_at, hardware_version)
         SELECT '', serial, tax_code, contract_end, status, province, version, updated_at, hardware_version FROM subscribers`,
      `DROP TABLE subscribers`,
      `ALTER TABLE subscribers_keyed RENAME TO subscribers`,
      `CREATE INDEX subscribers_by_version ON subscribers (version)`,
      `CREATE INDEX subscribers_by_serial ON subscribers (serial)`,
      `CREATE TABLE paid_orders_keyed (
         issuer_key TEXT NOT NULL DEFAULT '',
         serial TEXT NOT NULL,
         order_id TEXT NOT NULL,
         paid_until TEXT NOT NULL,
         paid_at TEXT,
         imported_at TEXT NOT NULL,
         PRIMARY KEY (issuer_key, serial)
       )`,
      `INSERT INTO paid_orders_keyed (issuer_key, serial, order_id, paid_until, paid_at, imported_at)
         SELECT '', serial, order_id, paid_until, paid_at, imported_at FROM paid_orders`,
      `DROP TABLE paid_orders`,
      `ALTER TABLE paid_orders_keyed RENAME TO paid_orders`,
      `CREATE INDEX paid_orders_by_serial ON paid_orders (serial)`,
      `CREATE TABLE certificates_keyed (
         issuer_key TEXT NOT NULL DEFAULT '',
         serial TEXT NOT NULL,
         der TEXT NOT NULL,
         added_at TEXT NOT NULL,
         pending INTEGER NOT NULL DEFAULT 1,
         province TEXT,
         eligible_until TEXT,
         renewed INTEGER NOT NULL DEFAULT 0,
         eligible_from TEXT,
         PRIMARY KEY (issuer_key, serial)
       )`,
      `INSERT INTO certificates_keyed (issuer_key, serial, der, added_at, pending, province, eligible_until, renewed, eligible_from)
         SELECT '', serial, der, added_at, pending, province, eligible_until, renewed, eligible_from FROM certificates`,
      `DROP TABLE certificates`,
      `ALTER TABLE certificates_keyed RENAME TO certificates`,
      `CREATE INDEX certificates_pending ON certificates (serial, issuer_key) WHERE pending = 1`,
      `CREATE INDEX certificates_remaining ON certificates (province, serial, issuer_key) WHERE renewed = 0 AND eligible_until IS NOT NULL`,
      // The primary key is the rule "exactly one renewal per old certificate".
      `CREATE TABLE renewals_keyed (
         issuer_key TEXT NOT NULL DEFAULT '',
         old_serial TEXT NOT NULL,
         old_certificate_hash TEXT NOT NULL,
         kiosk_id TEXT NOT NULL REFERENCES kiosks (id),
         idempotency_key TEXT NOT NULL,
         request_hash TEXT NOT NULL,
         serial TEXT NOT NULL UNIQUE,
         certificate TEXT NOT NULL,
         not_before TEXT NOT NULL,
         not_after TEXT NOT NULL,
         issued_at TEXT NOT NULL,
         issued_day TEXT NOT NULL,
         province TEXT NOT NULL,
         channel TEXT NOT NULL,
         hardware_version TEXT NOT NULL,
         token_serial TEXT NOT NULL,
         token_manufacturer TEXT NOT NULL,
         token_model TEXT NOT NULL,
         operator TEXT NOT NULL,
         PRIMARY KEY (issuer_key, old_serial),
         UNIQUE (kiosk_id, idempotency_key)
       )`,
      `INSERT INTO renewals_keyed (issuer_key, old_serial, old_certificate_hash, kiosk_id, idempotency_key, request_hash, serial, certificate,
           not_before, not_after, issued_at, issued_day, province, channel, hardware_version, token_serial, token_manufacturer, token_model, operator)
         SELECT '', old_serial, old_certificate_hash, kiosk_id, idempotency_key, request_hash, serial, certificate,
           not_before, not_after, issued_at, issued_day, province, channel, hardware_version, token_serial, token_manufacturer, token_model, operator
         FROM renewals`,
      `DROP TABLE renewals`,
      `ALTER TABLE renewals_keyed RENAME TO renewals`,
      `CREATE INDEX renewals_by_old_serial ON renewals (old_serial)`,
      `CREATE TABLE renewal_claims_keyed (
         issuer_key TEXT NOT NULL DEFAULT '',
         old_serial TEXT NOT NULL,
         kiosk_id TEXT NOT NULL,
         idempotency_key TEXT NOT NULL,
         request_hash TEXT NOT NULL,
         claimed_at TEXT NOT NULL,
         serial TEXT,
         PRIMARY KEY (issuer_key, old_serial),
         UNIQUE (kiosk_id, idempotency_key)
       )`,
      `INSERT INTO renewal_claims_keyed (issuer_key, old_serial, kiosk_id, idempotency_key, request_hash, claimed_at, serial)
         SELECT '', old_serial, kiosk_id, idempotency_key, request_hash, claimed_at, serial FROM renewal_claims`,
      `DROP TABLE renewal_claims`,
      `ALTER TABLE renewal_claims_keyed RENAME TO renewal_claims`,
    ],
  },
  {
    version: 10,
    name: 'event-receipts',
    statements: [
      // A kiosk's events received per minute, for its quota: counting its stored events at every
      // batch cost more the more it had sent, and their index on received_at only served that count.
      `CREATE TABLE kiosk_event_receipts (
         kiosk_id TEXT NOT NULL REFERENCES kiosks (id),
         minute TEXT NOT NULL,
         n BIGINT NOT NULL,
         PRIMARY KEY (kiosk_id, minute)
       )`,
      `INSERT INTO kiosk_event_receipts (kiosk_id, minute, n)
         SELECT kiosk_id, SUBSTR(received_at, 1, 16), COUNT(*) FROM kiosk_events GROUP BY kiosk_id, SUBSTR(received_at, 1, 16)`,
      `DROP INDEX kiosk_events_received`,
    ],
  },
  {
    version: 11,
    name: 'window-edges',
    statements: [
      // Certificates eligible now were summed over every window (opening and end of grant) at every
      // read, tens of thousands of rows on a national campaign; now each window counts as its two
      // edges at four levels of time (progress-plans.ts standingCounts), and a read sums a few
      // thousand. Renewed certificates keep their 'known' rows; the others are counted afresh.
      `DELETE FROM progress_counts WHERE kind = 'known' AND b = '0'`,
      windowEdgesAt('edgeYear', 4),
      windowEdgesAt('edgeMonth', 7),
      windowEdgesAt('edgeDay', 10),
      windowEdgesAt('edge', 24),
      `CREATE INDEX progress_counts_by_time ON progress_counts (kind, a)`,
    ],
  },
  {
    version: 12,
    name: 'plan-counts',
    statements: [
      // The rollout plan's figures read every eligible certificate and every renewal at each
      // report; now they are counted as the others are (progress-plans.ts planStandingCounts), per
      // issuer key and the hardware version the plan goes by: the registry's, else the token's.
      // plan_version is what a certificate or renewal counts under, so a change can take it back.
      `ALTER TABLE certificates ADD COLUMN plan_version TEXT`,
      `ALTER TABLE renewals ADD COLUMN plan_version TEXT`,
      // Kinds: renewed (a: issued day, b: channel) per renewal; known (a, b: '') per certificate
      // renewed or with a grant's end; edgeYear…edge (a: the end, to 4, 7, 10, 24 characters) -1
      // where an unrenewed certificate's grant ends.
      `CREATE TABLE plan_counts (
         kind TEXT NOT NULL,
         issuer_key TEXT NOT NULL,
         version TEXT NOT NULL,
         a TEXT NOT NULL,
         b TEXT NOT NULL,
         n BIGINT NOT NULL,
         PRIMARY KEY (kind, issuer_key, version, a, b)
       )`,
      `UPDATE certificates SET plan_version = COALESCE(NULLIF(TRIM((${REGISTRY_VERSION_OF_CERTIFICATE})), ''),
         CASE WHEN renewed = 1 THEN NULLIF(TRIM((SELECT r.hardware_version FROM renewals r WHERE r.old_serial = certificates.serial
           AND r.issuer_key IN (certificates.issuer_key, '') ORDER BY r.issuer_key DESC LIMIT 1)), '') END, '-')
       WHERE renewed = 1 OR eligible_until IS NOT NULL`,
      `UPDATE renewals SET plan_version = COALESCE(NULLIF(TRIM((SELECT (${REGISTRY_VERSION_OF_CERTIFICATE.replace(/certificates\./g, 'c.')})
           FROM certificates c WHERE c.serial = renewals.old_serial AND c.issuer_key = renewals.issuer_key)), ''),
         NULLIF(TRIM(hardware_version), ''), '-')`,
      `INSERT INTO plan_counts (kind, issuer_key, version, a, b, n)
         SELECT 'renewed', issuer_key, plan_version, issued_day, channel, COUNT(*) FROM renewals GROUP BY issuer_key, plan_version, issued_day, channel`,
      `INSERT INTO plan_counts (kind, issuer_key, version, a, b, n)
         SELECT 'known', issuer_key, plan_version, '', '', COUNT(*) FROM certificates WHERE plan_version IS NOT NULL GROUP BY issuer_key, plan_version`,
      grantEndsAt('edgeYear', 4),
      grantEndsAt('edgeMonth', 7),
      grantEndsAt('edgeDay', 10),
      grantEndsAt('edge', 24),
    ],
  },
  {
    version: 13,
    name: 'login-attempts',
    statements: [
      // Dashboard logins per client address in a window from the first, kept in the database so
      // every worker of `serve --workers N` (and every centre process on one database) counts them together.
      `CREATE TABLE login_attempts (
         key TEXT PRIMARY KEY,
         window_start TEXT NOT NULL,
         n BIGINT NOT NULL
       )`,
    ],
  },
];
