/** The centre's store in PostgreSQL, through pg: the same schema and rules as the SQLite store. */
import pg from 'pg';
import { CapbuError } from '../../errors.js';
import { decisionFromRow, kioskChainsPlan, runPlan, saveEventsPlan, saveRefusalPlan } from './event-chain.js';
import { refreshPlan, registryProgressPlan, renewalProgressPlan, standingsCurrentPlan, STANDINGS_BATCH, type ProgressSql } from './progress-plans.js';
import { migrate, type Command } from '../../sql/migrate.js';
import { MIGRATIONS } from './migrations.js';
import { adoptCertificatesPlan, adoptRenewalsPlan } from './issuer-keys.js';
import { rowKey } from '../../campaign/export-rows.js';
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
import { manyCommands, POSTGRES, POSTGRES_MIGRATIONS, scopedCommand, statements } from './statements.js';
import { DEFAULT_STORE_OPTIONS, type CentralStore, type IssuedRenewal, type StoreOptions } from './store.js';

const sql = statements(POSTGRES);
const progressSql: ProgressSql = {
  statements: sql,
  scoped: (name, params, scope) => scopedCommand(POSTGRES, name, params, scope),
  many: (name, rows) => manyCommands(POSTGRES, name, rows),
};

/** Runs a plan through one client. */
const through = (client: pg.PoolClient) => async (command: Command) => (await client.query(command.sql, [...command.params])).rows as Row[];

/** The URL without its password, for error messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    // Unparseable, it may still hold a password: show none of it.
    return 'postgres://…';
  }
}

/** PostgreSQL's "too many connections" and "cannot connect now": the server is full, not broken. */
const SERVER_FULL = new Set(['53300', '57P03']);

/**
 * No free connection within the wait (pg's own timeout error has no code, only its message), or
 * the server refusing more: CENTRAL_BUSY, which the API answers with 503 and Retry-After.
 */
function busyOr(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (SERVER_FULL.has(String(code)) || /timeout exceeded when trying to connect/.test((error as Error)?.message ?? '')) {
    return new CapbuError('CENTRAL_BUSY', { retryAfter: 1 }, { cause: error });
  }
  return error;
}

async function connect(pool: pg.Pool): Promise<pg.PoolClient> {
  try {
    return await pool.connect();
  } catch (error) {
    throw busyOr(error);
  }
}

async function transaction<T>(client: pg.PoolClient, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // The first error is the one to report; a broken connection fails its ROLLBACK too.
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await connect(pool);
  try {
    return await transaction(client, () => work(client));
  } finally {
    client.release();
  }
}

export async function openPostgresStore(url: string, at: string, options: StoreOptions = DEFAULT_STORE_OPTIONS): Promise<CentralStore> {
  const pool = new pg.Pool({ connectionString: url, max: options.pool, connectionTimeoutMillis: options.waitMs });
  // An idle client's connection dropping must not take the process down; the next query reconnects.
  pool.on('error', () => undefined);
  try {
    const client = await connect(pool);
    try {
      await migrate(POSTGRES_MIGRATIONS, MIGRATIONS, at, async (command) => (await client.query(command.sql, [...command.params])).rows);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new CapbuError('CENTRAL_DB_FAILED', { db: redactUrl(url) }, { cause: error });
  }
  const query = async (text: string, params: unknown[] = []) => {
    try {
      return await pool.query(text, params);
    } catch (error) {
      throw busyOr(error);
    }
  };
  const one = async (text: string, params: unknown[]): Promise<Row | null> => (await query(text, params)).rows[0] ?? null;
  const all = async (text: string, params: unknown[] = []): Promise<Row[]> => (await query(text, params)).rows;

  const issueOnce: CentralStore['issueOnce'] = async (claim, sign) => {
    // The connection that will store the renewal is held before anything is signed.
    const client = await connect(pool);
    try {
      const held = [claim.issuerKeyId, claim.oldSerial, claim.kioskId, claim.idempotencyKey, claim.claimedAt];
      let claimed: boolean;
      try {
        const r = await client.query(sql.claimRenewal, [
          claim.issuerKeyId, claim.oldSerial, claim.kioskId, claim.idempotencyKey, claim.requestHash, claim.claimedAt,
          claim.oldSerial, claim.issuerKeyId, claim.kioskId, claim.idempotencyKey, claim.abandonedBefore,
        ]);
        claimed = (r.rowCount ?? 0) > 0;
      } catch (error) {
        if (!POSTGRES.isUniqueViolation(error)) throw error;
        claimed = false;
      }
      if (!claimed) return { kind: 'taken' };
      let renewal: IssuedRenewal;
      try {
        renewal = await sign();
      } catch (error) {
        await client.query(sql.dropClaim, held).catch(() => undefined); // it goes stale anyway
        throw error;
      }
      const stored = await transaction(client, async () => {
        if (!(await client.query(sql.finishClaim, [renewal.serial, ...held])).rowCount) return false;
        await client.query(sql.saveRenewal, renewalValues(renewal));
        await runPlan(renewalProgressPlan(sql, renewal), through(client));
        return true;
      });
      return stored ? { kind: 'stored', renewal } : { kind: 'taken' };
    } finally {
      client.release();
    }
  };

  return {
    kind: 'postgres',
    importRegistry: (records, at) =>
      inTransaction(pool, async (c) => {
        const version0 = Number((await c.query(sql.registryVersionForUpdate)).rows[0].value);
        const existing = new Map((await c.query(sql.allSubscribers)).rows.map((r: Row) => { const s = subscriberFromRow(r); return [rowKey(s), s]; }));
        const delta = registryDelta(existing, records);
        const changed = [...delta.added, ...delta.updated];
        let version = version0;
        if (changed.length > 0) {
          version += 1;
          await c.query(sql.setRegistryVersion, [version]);
          for (const r of changed) {
            await c.query(sql.upsertSubscriber, subscriberValues(r, version, at));
            await runPlan(registryProgressPlan(sql, r), through(c));
          }
        }
        return { added: delta.added.length, updated: delta.updated.length, unchanged: delta.unchanged, version };
      }),
    importOrders: (orders, at) =>
      inTransaction(pool, async (c) => {
        let version = Number((await c.query(sql.registryVersionForUpdate)).rows[0].value);
        const delta = orderDelta(new Map((await c.query(sql.allOrders)).rows.map((r: Row) => { const o = orderFromRow(r); return [rowKey(o), o]; })), orders);
        const changed = [...delta.added, ...delta.updated];
        if (changed.length > 0) {
          version += 1;
          await c.query(sql.setRegistryVersion, [version]);
          for (const o of changed) {
            await c.query(sql.upsertOrder, orderValues(o, at));
            await c.query(sql.touchSubscriber, [version, o.serial, o.issuerKeyId ?? '', o.issuerKeyId ?? '']);
            // The renewal it grants changed: the certificate's standing is decided again.
            await c.query(sql.markPending, [o.serial]);
          }
        }
        return { added: delta.added.length, updated: delta.updated.length, unchanged: delta.unchanged, version };
      }),
    subscriber: async (key) => {
      const row = await one(sql.subscriber, [key.serial, key.issuerKeyId]);
      return row ? subscriberFromRow(row) : null;
    },
    registrySince: (since) =>
      inTransaction(pool, async (c) => {
        await c.query(POSTGRES.snapshot!);
        const version = Number((await c.query(sql.registryVersion)).rows[0].value);
        const rows = (await c.query(sql.subscribersSince, [since])).rows;
        return { version, rows: rows.map(subscriberFromRow) };
      }),
    addCertificates: (certificates, at) =>
      inTransaction(pool, async (c) => {
        let added = 0;
        for (const cert of certificates) {
          const r = await c.query(sql.addCertificate, certificateValues(cert, at));
          added += r.rowCount ?? 0;
        }
        return { added, known: certificates.length - added };
      }),
    certificates: async () => (await all(sql.certificates)).map(derFromRow),
    addKiosk: async (k) => {
      try {
        await query(sql.addKiosk, [k.id, k.role ?? 'kiosk', k.province, k.channel, k.enrolmentHash, k.enrolmentExpires, k.createdAt]);
      } catch (error) {
        if (POSTGRES.isUniqueViolation(error)) throw new CapbuError('KIOSK_EXISTS', { id: k.id });
        throw error;
      }
    },
    reissueKiosk: async (id, enrolmentHash, expires) => {
      if ((await query(sql.reissueKiosk, [enrolmentHash, expires, id])).rowCount) return 'reissued';
      return (await one(sql.kiosk, [id])) ? 'enrolled' : 'missing';
    },
    revokeKiosk: async (id, at) => ((await query(sql.revokeKiosk, [at, id])).rowCount ?? 0) > 0,
    kioskByEnrolment: async (enrolmentHash, at) => {
      const row = await one(sql.kioskByEnrolment, [enrolmentHash, at]);
      return row ? kioskFromRow(row) : null;
    },
    enroll: async (enrolmentHash, credentialHash, at) => {
      const row = await one(sql.enroll, [credentialHash, at, enrolmentHash, at]);
      return row ? kioskFromRow(row) : null;
    },
    kiosk: async (id) => {
      const row = await one(sql.kiosk, [id]);
      return row ? kioskFromRow(row) : null;
    },
    renewalByKey: async (kioskId, key) => {
      const row = await one(sql.renewalByKey, [kioskId, key]);
      return row ? renewalFromRow(row) : null;
    },
    renewalOf: async (old) => {
      const row = await one(sql.renewalOf, [old.serial, old.issuerKeyId]);
      return row ? renewalFromRow(row) : null;
    },
    adoptIssuerKeys: async (oldKeyOfRenewal) => {
      const moved = { renewals: 0, certificates: 0 };
      for (let after: string | null = ''; after !== null; ) {
        const from: string = after;
        const batch = await inTransaction(pool, (c) => runPlan(adoptRenewalsPlan(sql, oldKeyOfRenewal, from), through(c)));
        moved.renewals += batch.moved;
        after = batch.last;
      }
      for (let after: string | null = ''; after !== null; ) {
        const from: string = after;
        const batch = await inTransaction(pool, (c) => runPlan(adoptCertificatesPlan(sql, from), through(c)));
        moved.certificates += batch.moved;
        after = batch.last;
      }
      return moved;
    },
    issueOnce,
    refusalHash: async (kioskId, key) => {
      const row = await one(sql.refusalHash, [kioskId, key]);
      return row ? String(row.request_hash) : null;
    },
    saveRefusal: (f) => inTransaction(pool, (c) => runPlan(saveRefusalPlan(progressSql, f), through(c))),
    saveEvents: (kioskId, events, at, quota) => inTransaction(pool, (c) => runPlan(saveEventsPlan(progressSql, kioskId, events, at, quota), through(c))),
    kioskSeen: async (kioskId, at) => {
      await pool.query(sql.kioskSeen, [at, kioskId]);
    },
    kioskChains: async () => {
      const client = await pool.connect();
      try {
        return await runPlan(kioskChainsPlan(sql), async (command) => (await client.query(command.sql, [...command.params])).rows);
      } finally {
        client.release();
      }
    },
    decisions: async () => (await all(sql.decisions)).map(decisionFromRow),
    refreshStandings: async (fingerprint, judge) => {
      if (await runPlan(standingsCurrentPlan(sql, fingerprint), async (command) => (await query(command.sql, [...command.params])).rows)) return 0;
      let decided = 0;
      for (let n = STANDINGS_BATCH; n === STANDINGS_BATCH; decided += n) {
        n = await inTransaction(pool, (c) => runPlan(refreshPlan(sql, fingerprint, judge, STANDINGS_BATCH), through(c)));
      }
      return decided;
    },
    readProgress: async (plan) => {
      const client = await connect(pool);
      try {
        // One snapshot for every figure of a page, opened in one round trip.
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        try {
          return await runPlan(plan(progressSql), through(client));
        } finally {
          await client.query('COMMIT').catch(() => undefined);
        }
      } finally {
        client.release();
      }
    },
    renewalCounts: async () => (await all(sql.renewalCounts)).map(renewalCountFromRow),
    holdsIssuance: async () => Number((await one(sql.holdsIssuance, []))!.held) === 1,
    acceptNewDatabase: async (at) => void (await query(sql.acceptNewDatabase, [at.getTime()])),
    renewedSerials: async () => (await all(sql.renewedSerials)).map((r) => String(r.old_serial)),
    refusalCounts: async () => (await all(sql.refusalCounts)).map(refusalCountFromRow),
    countAttempt: async (key, at, windowMs) => attemptFromRow((await one(sql.countAttempt, attemptValues(key, at, windowMs)))!),
    addUser: async (u) => {
      try {
        await query(sql.addUser, [u.name, u.role, u.provinces.join(','), u.setupCodeHash, u.setupExpires, u.createdAt]);
      } catch (error) {
        if (POSTGRES.isUniqueViolation(error)) throw new CapbuError('USER_EXISTS', { name: u.name });
        throw error;
      }
    },
    user: async (name) => {
      const row = await one(sql.user, [name]);
      return row ? userFromRow(row) : null;
    },
    userBySetupCode: async (codeHash, at) => {
      const row = await one(sql.userBySetupCode, [codeHash, at]);
      return row ? userFromRow(row) : null;
    },
    setPassword: (codeHash, passwordHash, at) =>
      inTransaction(pool, async (c) => {
        const row = (await c.query(sql.setPassword, [passwordHash, codeHash, at])).rows[0] as Row | undefined;
        if (!row) return null;
        const user = userFromRow(row);
        await c.query(sql.dropUserSessions, [user.name]);
        return user;
      }),
    addSession: async (s) => {
      await query(sql.addSession, [s.tokenHash, s.userName, s.createdAt, s.expiresAt]);
    },
    sessionUser: async (tokenHash, at) => {
      const row = await one(sql.sessionUser, [tokenHash, at]);
      return row ? userFromRow(row) : null;
    },
    dropSession: async (tokenHash) => {
      await query(sql.dropSession, [tokenHash]);
    },
    close: async () => {
      await pool.end();
    },
  };
}
