/** The centre's store in one SQLite file (WAL mode), through better-sqlite3. */
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { CapbuError } from '../../errors.js';
import type { SubscriberRecord } from '../../campaign/registry.js';
import type { OrderRow } from '../../campaign/orders.js';
import { migrateSqlite, type Command } from '../../sql/migrate.js';
import { decisionFromRow, kioskChainsPlan, runPlanSync, saveEventsPlan, saveRefusalPlan } from './event-chain.js';
import { refreshPlan, registryProgressPlan, renewalProgressPlan, standingsCurrentPlan, STANDINGS_BATCH, type ProgressSql } from './progress-plans.js';
import { prepareDatabaseFile } from './file.js';
import { adoptCertificatesPlan, adoptRenewalsPlan } from './issuer-keys.js';
import { rowKey } from '../../campaign/export-rows.js';
import { MIGRATIONS } from './migrations.js';
import {
  attemptFromRow,
  attemptValues,
  derFromRow,
  kioskFromRow,
  refusalCountFromRow,
  registryDelta,
  renewalCountFromRow,
  renewalFromRow,
  renewalValues,
  subscriberFromRow,
  subscriberValues,
  orderDelta,
  orderFromRow,
  orderValues,
  certificateValues,
  userFromRow,
  type Row,
} from './rows.js';
import { manyCommands, scopedCommand, SQLITE, statements, type StatementName } from './statements.js';
import { DEFAULT_STORE_OPTIONS, type CentralStore, type IssuedRenewal, type StoreOptions } from './store.js';

/**
 * better-sqlite3 waits for a lock synchronously, freezing every request of the process; so one
 * attempt waits only this long, and waiting longer is done between attempts, off the event loop.
 */
const LOCK_ATTEMPT_MS = 10;
/** A certificate already signed is worth waiting for much longer than a request not yet begun. */
const SIGNED_WAIT_MS = 60_000;

/** How often the file's identity is checked besides before every statement. */
const IDENTITY_CHECK_MS = 1000;

/** Device and inode: a file deleted, or replaced by another, no longer has the ones it was opened with. */
function fileIdentity(path: string): string | null {
  try {
    const s = statSync(path);
    return `${s.dev}:${s.ino}`;
  } catch {
    // Gone (or unreadable): not the file the service opened, whatever the reason.
    return null;
  }
}

const isBusy = (error: unknown): boolean => /^SQLITE_(BUSY|LOCKED)/.test(String((error as { code?: unknown } | null)?.code));
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function openSqliteStore(path: string, at: string, options: StoreOptions = DEFAULT_STORE_OPTIONS): CentralStore {
  let db: Database.Database;
  try {
    prepareDatabaseFile(path);
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // Another process starting on the same file may hold the lock for its migration.
    db.pragma(`busy_timeout = ${options.waitMs}`);
    migrateSqlite(db, MIGRATIONS, at);
    db.pragma(`busy_timeout = ${LOCK_ATTEMPT_MS}`);
  } catch (error) {
    if (error instanceof CapbuError) throw error;
    throw new CapbuError('CENTRAL_DB_FAILED', { db: path }, { cause: error });
  }

  // SQLite keeps writing into a deleted file's inode, answering 201 for renewals no one will
  // ever read back: the service must notice and stop instead.
  const opened = fileIdentity(path);
  let lost: CapbuError | null = null;
  const assertSameFile = () => {
    if (lost) throw lost;
    if (fileIdentity(path) === opened) return;
    lost = new CapbuError('CENTRAL_DB_LOST', { db: path });
    options.log.error({ db: path }, 'central database file deleted or replaced while serving: stopping');
    options.onLost?.(lost);
    throw lost;
  };
  const watch = setInterval(() => {
    try {
      assertSameFile();
    } catch {
      // Already told through the log and onLost; requests get the error from their own check.
    }
  }, IDENTITY_CHECK_MS);
  watch.unref();

  /** Runs `work` until it gets the lock it needs, for up to `waitMs`, then CENTRAL_BUSY. */
  const patiently = async <T>(work: () => T, waitMs = options.waitMs): Promise<T> => {
    const deadline = Date.now() + waitMs;
    for (let wait = 5, warned = false; ; wait = Math.min(wait * 2, 200)) {
      try {
        assertSameFile();
        return work();
      } catch (error) {
        if (!isBusy(error)) throw error;
        if (Date.now() + wait > deadline) throw new CapbuError('CENTRAL_BUSY', { retryAfter: 1 }, { cause: error });
        if (!warned) options.log.warn({ db: path }, 'central database locked elsewhere: waiting for it');
        warned = true;
      }
      await pause(wait);
    }
  };

  const sql = statements(SQLITE);
  const prepared = new Map<string, Database.Statement>();
  /** Runs one command of a plan (event-chain.ts), each text prepared once. */
  const execute = ({ sql: text, params }: Command): Row[] => {
    let statement = prepared.get(text);
    if (!statement) prepared.set(text, (statement = db.prepare(text)));
    if (statement.reader) return statement.all(...params) as Row[];
    statement.run(...params);
    return [];
  };
  const progressSql: ProgressSql = {
    statements: sql,
    scoped: (name, params, scope) => scopedCommand(SQLITE, name, params, scope),
    many: (name, rows) => manyCommands(SQLITE, name, rows),
  };
  const q = Object.fromEntries(Object.entries(sql).map(([name, text]) => [name, db.prepare(text)])) as Record<
    StatementName,
    Database.Statement
  >;

  const importRegistry = db.transaction((records: readonly SubscriberRecord[], at: string) => {
    const existing = new Map((q.allSubscribers.all() as Row[]).map((r) => { const s = subscriberFromRow(r); return [rowKey(s), s]; }));
    const delta = registryDelta(existing, records);
    let version = Number((q.registryVersionForUpdate.get() as Row).value);
    const changed = [...delta.added, ...delta.updated];
    if (changed.length > 0) {
      version += 1;
      q.setRegistryVersion.run(version);
      for (const r of changed) {
        q.upsertSubscriber.run(...subscriberValues(r, version, at));
        runPlanSync(registryProgressPlan(sql, r), execute);
      }
    }
    return { added: delta.added.length, updated: delta.updated.length, unchanged: delta.unchanged, version };
  });

  const importOrders = db.transaction((orders: readonly OrderRow[], at: string) => {
    const delta = orderDelta(new Map((q.allOrders.all() as Row[]).map((r) => { const o = orderFromRow(r); return [rowKey(o), o]; })), orders);
    let version = Number((q.registryVersionForUpdate.get() as Row).value);
    const changed = [...delta.added, ...delta.updated];
    if (changed.length > 0) {
      version += 1;
      q.setRegistryVersion.run(version);
      for (const o of changed) {
        q.upsertOrder.run(...orderValues(o, at));
        q.touchSubscriber.run(version, o.serial, o.issuerKeyId ?? '', o.issuerKeyId ?? '');
        // The renewal it grants changed: the certificate's standing is decided again.
        q.markPending.run(o.serial);
      }
    }
    return { added: delta.added.length, updated: delta.updated.length, unchanged: delta.unchanged, version };
  });

  const one = (statement: Database.Statement, ...params: unknown[]) => statement.get(...params) as Row | undefined;
  const all = (statement: Database.Statement, ...params: unknown[]) => statement.all(...params) as Row[];
  const mapped = <T>(row: Row | undefined, map: (r: Row) => T): T | null => (row ? map(row) : null);

  const issueOnce: CentralStore['issueOnce'] = async (claim, sign) => {
    const held = [claim.issuerKeyId, claim.oldSerial, claim.kioskId, claim.idempotencyKey, claim.claimedAt] as const;
    const claimed = await patiently(() => {
      try {
        return q.claimRenewal.run(
          claim.issuerKeyId, claim.oldSerial, claim.kioskId, claim.idempotencyKey, claim.requestHash, claim.claimedAt,
          claim.oldSerial, claim.issuerKeyId, claim.kioskId, claim.idempotencyKey, claim.abandonedBefore,
        ).changes > 0;
      } catch (error) {
        if (SQLITE.isUniqueViolation(error)) return false;
        throw error;
      }
    });
    if (!claimed) return { kind: 'taken' };
    let renewal: IssuedRenewal;
    try {
      renewal = await sign();
    } catch (error) {
      await patiently(() => q.dropClaim.run(...held)).catch(() => undefined); // it goes stale anyway
      throw error;
    }
    const stored = db.transaction(() => {
      if (q.finishClaim.run(renewal.serial, ...held).changes === 0) return false;
      q.saveRenewal.run(...renewalValues(renewal));
      runPlanSync(renewalProgressPlan(sql, renewal), execute);
      return true;
    });
    return (await patiently(() => stored.immediate(), SIGNED_WAIT_MS)) ? { kind: 'stored', renewal } : { kind: 'taken' };
  };

  return {
    kind: 'sqlite',
    importRegistry: (records, at) => patiently(() => importRegistry.immediate(records, at)),
    importOrders: (orders, at) => patiently(() => importOrders.immediate(orders, at)),
    subscriber: (key) => patiently(() => mapped(one(q.subscriber, key.serial, key.issuerKeyId), subscriberFromRow)),
    registrySince: (since) =>
      patiently(() =>
        db.transaction(() => ({
          version: Number(one(q.registryVersion)!.value),
          rows: all(q.subscribersSince, since).map(subscriberFromRow),
        }))(),
      ),
    addCertificates: (certificates, at) =>
      patiently(() =>
        db.transaction(() => {
          let added = 0;
          for (const c of certificates) added += q.addCertificate.run(...certificateValues(c, at)).changes;
          return { added, known: certificates.length - added };
        }).immediate(),
      ),
    certificates: () => patiently(() => all(q.certificates).map(derFromRow)),
    addKiosk: (k) =>
      patiently(() => {
        try {
          q.addKiosk.run(k.id, k.role ?? 'kiosk', k.province, k.channel, k.enrolmentHash, k.enrolmentExpires, k.createdAt);
        } catch (error) {
          if (SQLITE.isUniqueViolation(error)) throw new CapbuError('KIOSK_EXISTS', { id: k.id });
          throw error;
        }
      }),
    reissueKiosk: (id, enrolmentHash, expires) =>
      patiently(() => {
        if (q.reissueKiosk.run(enrolmentHash, expires, id).changes > 0) return 'reissued';
        return one(q.kiosk, id) ? 'enrolled' : 'missing';
      }),
    revokeKiosk: (id, at) => patiently(() => q.revokeKiosk.run(at, id).changes > 0),
    kioskByEnrolment: (enrolmentHash, at) => patiently(() => mapped(one(q.kioskByEnrolment, enrolmentHash, at), kioskFromRow)),
    enroll: (enrolmentHash, credentialHash, at) =>
      patiently(() => mapped(one(q.enroll, credentialHash, at, enrolmentHash, at), kioskFromRow)),
    kiosk: (id) => patiently(() => mapped(one(q.kiosk, id), kioskFromRow)),
    renewalByKey: (kioskId, key) => patiently(() => mapped(one(q.renewalByKey, kioskId, key), renewalFromRow)),
    renewalOf: (old) => patiently(() => mapped(one(q.renewalOf, old.serial, old.issuerKeyId), renewalFromRow)),
    adoptIssuerKeys: async (oldKeyOfRenewal) => {
      const moved = { renewals: 0, certificates: 0 };
      for (let after: string | null = ''; after !== null; ) {
        const from: string = after;
        const batch = await patiently(() => db.transaction(() => runPlanSync(adoptRenewalsPlan(sql, oldKeyOfRenewal, from), execute)).immediate());
        moved.renewals += batch.moved;
        after = batch.last;
      }
      for (let after: string | null = ''; after !== null; ) {
        const from: string = after;
        const batch = await patiently(() => db.transaction(() => runPlanSync(adoptCertificatesPlan(sql, from), execute)).immediate());
        moved.certificates += batch.moved;
        after = batch.last;
      }
      return moved;
    },
    issueOnce,
    refusalHash: (kioskId, key) => patiently(() => mapped(one(q.refusalHash, kioskId, key), (r) => String(r.request_hash))),
    saveRefusal: (f) => patiently(() => db.transaction(() => runPlanSync(saveRefusalPlan(progressSql, f), execute)).immediate()),
    saveEvents: (kioskId, events, at, quota) =>
      patiently(() => db.transaction(() => runPlanSync(saveEventsPlan(progressSql, kioskId, events, at, quota), execute)).immediate()),
    kioskSeen: (kioskId, at) =>
      patiently(() => {
        q.kioskSeen.run(at, kioskId);
      }),
    kioskChains: () => patiently(() => db.transaction(() => runPlanSync(kioskChainsPlan(sql), execute))()),
    decisions: () => patiently(() => all(q.decisions).map(decisionFromRow)),
    refreshStandings: async (fingerprint, judge) => {
      if (await patiently(() => runPlanSync(standingsCurrentPlan(sql, fingerprint), execute))) return 0;
      let decided = 0;
      for (let n = STANDINGS_BATCH; n === STANDINGS_BATCH; decided += n) {
        n = await patiently(() => db.transaction(() => runPlanSync(refreshPlan(sql, fingerprint, judge, STANDINGS_BATCH), execute)).immediate());
      }
      return decided;
    },
    readProgress: (plan) => patiently(() => db.transaction(() => runPlanSync(plan(progressSql), execute))()),
    renewalCounts: () => patiently(() => all(q.renewalCounts).map(renewalCountFromRow)),
    holdsIssuance: () => patiently(() => Number(one(q.holdsIssuance)!.held) === 1),
    acceptNewDatabase: (at) => patiently(() => void q.acceptNewDatabase.run(at.getTime())),
    renewedSerials: () => patiently(() => all(q.renewedSerials).map((r) => String(r.old_serial))),
    refusalCounts: () => patiently(() => all(q.refusalCounts).map(refusalCountFromRow)),
    countAttempt: (key, at, windowMs) => patiently(() => attemptFromRow(one(q.countAttempt, ...attemptValues(key, at, windowMs))!)),
    addUser: (u) =>
      patiently(() => {
        try {
          q.addUser.run(u.name, u.role, u.provinces.join(','), u.setupCodeHash, u.setupExpires, u.createdAt);
        } catch (error) {
          if (SQLITE.isUniqueViolation(error)) throw new CapbuError('USER_EXISTS', { name: u.name });
          throw error;
        }
      }),
    user: (name) => patiently(() => mapped(one(q.user, name), userFromRow)),
    userBySetupCode: (codeHash, at) => patiently(() => mapped(one(q.userBySetupCode, codeHash, at), userFromRow)),
    setPassword: (codeHash, passwordHash, at) =>
      patiently(() =>
        db.transaction(() => {
          const user = mapped(one(q.setPassword, passwordHash, codeHash, at), userFromRow);
          if (user) q.dropUserSessions.run(user.name);
          return user;
        }).immediate(),
      ),
    addSession: (s) =>
      patiently(() => {
        q.addSession.run(s.tokenHash, s.userName, s.createdAt, s.expiresAt);
      }),
    sessionUser: (tokenHash, at) => patiently(() => mapped(one(q.sessionUser, tokenHash, at), userFromRow)),
    dropSession: (tokenHash) =>
      patiently(() => {
        q.dropSession.run(tokenHash);
      }),
    close: async () => {
      clearInterval(watch);
      db.close();
    },
  };
}
