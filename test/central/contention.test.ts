/**
 * The centre under contention, on the real parts: a locked SQLite file, a PostgreSQL pool with no
 * free connection, kiosks racing for one old certificate, processes migrating one empty file at
 * once. The CA key signs only what will be stored, every signature is logged, and a request that
 * cannot get the database gets 503 CENTRAL_BUSY with Retry-After while the service keeps answering.
 */
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/central/storage/migrations.js';
import { centralDatabases, makeCentralWorld, NOW, sqlitePath, startCentre, type Centre, type CentralWorld, type Subscriber } from './fixtures.js';

let world: CentralWorld;

beforeAll(async () => {
  world = await makeCentralWorld();
});
const databases = centralDatabases(() => world);

/** The service's log lines, as a pino logger writing into memory. */
function capturedLog() {
  const lines: { msg?: string; caSignature?: { serial: string; oldSerial: string } }[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

/** Counts the CA key's signatures at the key itself, under whatever the service does around it. */
function countSignatures(centre: Centre): { count: number } {
  const counter = { count: 0 };
  const signer = centre.running.services.issuers.get('viettel-ca-2020')!.signer as { sign: (data: Uint8Array) => Promise<Uint8Array> };
  const sign = signer.sign.bind(signer);
  signer.sign = (data) => {
    counter.count++;
    return sign(data);
  };
  return counter;
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`never happened: ${what}`);
}

async function call(centre: Centre, credential: string, method: 'GET' | 'POST', path: string, body?: unknown) {
  const response = await fetch(`${centre.url}/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${credential}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(30_000),
  });
  return { status: response.status, body: (await response.json()) as { code?: string; serial?: string }, retryAfter: response.headers.get('retry-after') };
}

async function renewalRequest(s: Subscriber) {
  return world.request(s, await world.csr(s));
}

describe.each(databases.backends)('racing for one old certificate on $name', (backend) => {
  it('signs once: the losers never reach the CA key, and the one signature is in the log', async () => {
    const { logger, lines } = capturedLog();
    const centre = await startCentre(world, await backend.db('race'), { loggerInstance: logger });
    try {
      const signatures = countSignatures(centre);
      const target = await world.subscriber('Contested Ltd');
      await centre.running.services.store.importRegistry([world.record(target)], NOW.toISOString());
      const clients = [await centre.kiosk('race-a'), await centre.kiosk('race-b')];
      const csr = await world.csr(target);
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => clients[i % 2]!.renew(world.request(target, csr))));

      expect(new Set(results.map((r) => r.renewal.certificate)).size).toBe(1);
      expect(results.filter((r) => r.status === 'issued')).toHaveLength(1);
      expect(signatures.count).toBe(1);
      const logged = lines.filter((l) => l.caSignature);
      expect(logged.map((l) => l.caSignature)).toEqual([
        expect.objectContaining({ serial: results[0]!.renewal.serial, oldSerial: target.serial }),
      ]);
    } finally {
      await centre.running.close();
    }
  });
});

describe('a locked SQLite database', () => {
  it('keeps the service answering while a renewal waits for the lock, then stores what it signed', async () => {
    const { logger, lines } = capturedLog();
    const db = sqlitePath(world, 'locked');
    const centre = await startCentre(world, db, { loggerInstance: logger, dbWaitMs: 20_000 });
    const holder = new Database(db);
    try {
      const signatures = countSignatures(centre);
      const waiting = await world.subscriber('Patient Co');
      await centre.running.services.store.importRegistry([world.record(waiting)], NOW.toISOString());
      const { credential } = await centre.enrolled('locked-1');

      holder.exec('BEGIN IMMEDIATE');
      let settled = false;
      const renewal = call(centre, credential, 'POST', '/renewals', await renewalRequest(waiting)).finally(() => (settled = true));
      await until(() => lines.some((l) => l.msg === 'central database locked elsewhere: waiting for it'), 'the renewal waiting on the lock');

      // The renewal is still waiting for the lock; the service answers meanwhile.
      const status = await call(centre, credential, 'GET', '/status');
      expect(status.status).toBe(200);
      expect(settled).toBe(false);
      expect(signatures.count).toBe(0);

      holder.exec('COMMIT');
      const reply = await renewal;
      expect(reply.status).toBe(201);
      expect(signatures.count).toBe(1);
      expect(await centre.running.services.store.renewedSerials()).toEqual([waiting.serial]);
    } finally {
      holder.close();
      await centre.running.close();
    }
  });

  it('answers 503 CENTRAL_BUSY with Retry-After when the lock outlasts the wait, with nothing signed', async () => {
    const db = sqlitePath(world, 'locked-long');
    const centre = await startCentre(world, db, { dbWaitMs: 300 });
    const holder = new Database(db);
    try {
      const signatures = countSignatures(centre);
      const refused = await world.subscriber('Unlucky Co');
      await centre.running.services.store.importRegistry([world.record(refused)], NOW.toISOString());
      const { credential } = await centre.enrolled('locked-2');

      holder.exec('BEGIN IMMEDIATE');
      const reply = await call(centre, credential, 'POST', '/renewals', await renewalRequest(refused));
      holder.exec('ROLLBACK');

      expect(reply).toMatchObject({ status: 503, body: { code: 'CENTRAL_BUSY' }, retryAfter: '1' });
      expect(signatures.count).toBe(0);
      expect(await centre.running.services.store.renewedSerials()).toEqual([]);
    } finally {
      holder.close();
      await centre.running.close();
    }
  });
});

describe('PostgreSQL out of connections', () => {
  it('answers 503 CENTRAL_BUSY with Retry-After, and signs only with the connection that stores it held', async () => {
    const url = await databases.postgres();
    const centre = await startCentre(world, url, { dbPool: 1, dbWaitMs: 300 });
    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    try {
      const signatures = countSignatures(centre);
      const [first, second] = [await world.subscriber('First In Line'), await world.subscriber('Second In Line')];
      await centre.running.services.store.importRegistry([world.record(first), world.record(second)], NOW.toISOString());
      const { credential } = await centre.enrolled('pool-1');

      // The one pooled connection gets stuck behind this lock, inside the first renewal.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE renewals IN ACCESS EXCLUSIVE MODE');
      const firstReply = call(centre, credential, 'POST', '/renewals', await renewalRequest(first));
      await until(
        async () =>
          Number(
            (await locker.query("SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"))
              .rows[0].n,
          ) > 0,
        'the first renewal waiting with the only connection',
      );

      const secondReply = await call(centre, credential, 'POST', '/renewals', await renewalRequest(second));
      expect(secondReply).toMatchObject({ status: 503, body: { code: 'CENTRAL_BUSY' }, retryAfter: '1' });

      await locker.query('COMMIT');
      expect((await firstReply).status).toBe(201);
      expect(signatures.count).toBe(1);
      expect(await centre.running.services.store.renewedSerials()).toEqual([first.serial]);
    } finally {
      await locker.end();
      await centre.running.close();
    }
  });
});

describe('processes opening one empty database at once', () => {
  /** `count` processes, each told to open the store at the same instant; their exit codes and errors. */
  async function openAtOnce(count: number, script: string): Promise<{ code: number | null; stderr: string }[]> {
    const at = Date.now() + 1500;
    return Promise.all(
      Array.from(
        { length: count },
        () =>
          new Promise<{ code: number | null; stderr: string }>((resolve) => {
            const child = spawn(process.execPath, ['--input-type=module', '-e', script, String(at)], { cwd: process.cwd() });
            let stderr = '';
            child.stderr.on('data', (d) => (stderr += d));
            child.on('close', (code) => resolve({ code, stderr }));
          }),
      ),
    );
  }
  const atTheMoment = 'const at = Number(process.argv[1]); while (Date.now() < at);';

  it('migrates once, whichever process gets the lock first: the centre on SQLite', async () => {
    for (let round = 0; round < 3; round++) {
      const db = sqlitePath(world, `migrate-race-${round}`);
      const script = `const { openCentralStore } = await import('./dist/central/storage/open.js'); ${atTheMoment}
        const store = await openCentralStore(${JSON.stringify(db)}, new Date()); await store.close();`;
      const results = await openAtOnce(8, script);
      expect(results.filter((r) => r.code !== 0).map((r) => r.stderr)).toEqual([]);
      const check = new Database(db, { readonly: true });
      expect(check.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()).toEqual(MIGRATIONS.map((m) => m.version));
      check.close();
    }
  });

  it('migrates once: the kiosk store', async () => {
    const dir = join(world.dir, 'kiosk-migrate-race');
    const script = `const { openStore } = await import('./dist/store/store.js'); ${atTheMoment}
      openStore(${JSON.stringify(dir)}).close();`;
    const results = await openAtOnce(8, script);
    expect(results.filter((r) => r.code !== 0).map((r) => r.stderr)).toEqual([]);
  });
});

describe("the centre's SQLite files", () => {
  it('are the service user’s alone (0600), also when they existed looser, in a directory others cannot write', async () => {
    const { chmodSync, mkdirSync, statSync, writeFileSync } = await import('node:fs');
    const { openCentralStore } = await import('../../src/central/storage/open.js');
    const mode = (path: string) => statSync(path).mode & 0o777;

    const fresh = join(world.dir, 'modes', 'new', 'centre.db');
    const store = await openCentralStore(fresh, NOW);
    await store.addKiosk({ id: 'k', province: 'HN', channel: 'counter', enrolmentHash: 'h', enrolmentExpires: NOW.toISOString(), createdAt: NOW.toISOString() });
    expect([mode(fresh), mode(`${fresh}-wal`), mode(`${fresh}-shm`)]).toEqual([0o600, 0o600, 0o600]);
    expect(mode(join(world.dir, 'modes', 'new'))).toBe(0o700);
    await store.close();

    const loose = join(world.dir, 'modes', 'loose.db');
    writeFileSync(loose, '');
    chmodSync(loose, 0o644);
    await (await openCentralStore(loose, NOW)).close();
    expect(mode(loose)).toBe(0o600);

    const shared = join(world.dir, 'modes', 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    await expect(openCentralStore(join(shared, 'centre.db'), NOW)).rejects.toMatchObject({ code: 'CENTRAL_DB_UNSAFE' });
  });
});

describe("the centre's SQLite file deleted while serving", () => {
  it('is noticed before the next write, nothing more is signed, and the service stops with a log line saying why', async () => {
    const { rmSync } = await import('node:fs');
    const { logger, lines } = capturedLog();
    const db = sqlitePath(world, 'deleted');
    const centre = await startCentre(world, db, { loggerInstance: logger });
    try {
      const signatures = countSignatures(centre);
      const s = await world.subscriber('Vanishing Co');
      await centre.running.services.store.importRegistry([world.record(s)], NOW.toISOString());
      const { credential } = await centre.enrolled('gone-1');
      const request = await renewalRequest(s);

      for (const file of [db, `${db}-wal`, `${db}-shm`]) rmSync(file, { force: true });
      // The request's own check or the periodic one, whichever comes first: never a 201 into the void.
      const reply = await call(centre, credential, 'POST', '/renewals', request).catch(() => null);
      if (reply) expect(reply).toMatchObject({ status: 503, body: { code: 'CENTRAL_DB_LOST' } });

      expect((await centre.running.stopped).code).toBe('CENTRAL_DB_LOST');
      expect(signatures.count).toBe(0);
      expect(lines.some((l) => l.msg === 'central database file deleted or replaced while serving: stopping')).toBe(true);
      await expect(fetch(`${centre.url}/v1/status`)).rejects.toThrow();
    } finally {
      await centre.running.close();
    }
  });

  it('is noticed with no request coming in, and a file put back in its place is not taken for it', async () => {
    const { renameSync, copyFileSync } = await import('node:fs');
    const db = sqlitePath(world, 'replaced');
    const centre = await startCentre(world, db);
    try {
      copyFileSync(db, `${db}.copy`);
      renameSync(`${db}.copy`, db);
      expect((await centre.running.stopped).code).toBe('CENTRAL_DB_LOST');
    } finally {
      await centre.running.close();
    }
  });
});
