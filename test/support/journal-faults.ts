/**
 * Proof under faults (issue 12, §4), on the real centre — `capbu central serve` in its own process
 * on loopback — with its SQLite store and with PostgreSQL: a seeded storm of faults landing on
 * single requests; 100 seeded kill -9s of a kiosk process that journals and syncs at once; two
 * kiosks syncing at the same time; the centre killed -9 and started again while a kiosk syncs.
 * Afterwards the centre holds exactly each kiosk's chain, each event once, and
 * `capbu journal verify` and `capbu central kiosk list` agree.
 *
 * The tests live here and each test file runs one group on one store
 * (journal-faults-{sqlite,postgres}, journal-kills-{sqlite,postgres}): together they were one file
 * of minutes, which alone bounded the suite's run however many files ran beside it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvent, verifyJournal } from '../../src/store/journal.js';
import { openStore } from '../../src/store/store.js';
import { seeded, startFaultProxy } from './fault-proxy.js';
import { startPostgres, type TestPostgres } from './postgres.js';
import { serveCentre, type EnrolledKiosk, type ServedCentre } from './served-centre.js';
import { makeWorld } from './world.js';

export type CentreStore = 'sqlite' | 'postgres';

const LOAD = fileURLToPath(new URL('./journal-load.mjs', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `n` events journaled the way the kiosk's commands write them, one transaction each. */
function journal(kiosk: EnrolledKiosk, n: number): void {
  const db = openStore(kiosk.home);
  const from = kiosk.chain().length;
  for (let i = 0; i < n; i++) {
    appendEvent(db, { type: 'error', operator: 'storm', data: { command: 'storm', code: `S${from + i}` }, at: new Date(Date.UTC(2020, 5, 1, 3, 0, 0, i)) });
  }
  db.close();
}

/** `capbu sync` again until nothing is left unsent; out of reach (3) is the only other outcome allowed. */
async function syncUntilDone(kiosk: EnrolledKiosk, args: string[] = [], rounds = 60): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    const result = await kiosk.capbu(['sync', '--json', ...args]);
    if (result.code === 0) return;
    expect([0, 3], result.stderr).toContain(result.code);
  }
  throw new Error(`capbu sync of ${kiosk.id} never finished`);
}

/**
 * A describe block `on <kind>` with its own world, centre (and PostgreSQL) for the tests that
 * `body` declares; `centre()` is that block's centre.
 */
function onCentre(kind: CentreStore, body: (centre: () => ServedCentre, expectSameChains: (kiosk: EnrolledKiosk) => Promise<void>) => void): void {
  describe(`on ${kind}`, () => {
    let centre: ServedCentre;
    let postgres: TestPostgres | null = null;

    beforeAll(async () => {
      const world = await makeWorld();
      const db = kind === 'sqlite' ? join(world.dir, 'centre-faults.db') : await (postgres = await startPostgres()).newDatabase();
      centre = await serveCentre(world, db);
    });
    afterAll(async () => {
      await centre?.stop();
      await postgres?.stop();
    });

    async function expectSameChains(kiosk: EnrolledKiosk): Promise<void> {
      const chain = kiosk.chain();
      expect(await centre.chain(kiosk.id)).toEqual(chain);
      const verify = await kiosk.capbu(['journal', 'verify', '--json']);
      expect(JSON.parse(verify.stdout)).toEqual({ ok: true, events: chain.length, firstBad: null, problem: null });
      const list = JSON.parse((await kiosk.capbu(['central', 'kiosk', 'list', '--json', '--db', centre.db])).stdout);
      expect(list.find((k: { id: string }) => k.id === kiosk.id)).toMatchObject({ acknowledgedSeq: chain.length, events: chain.length, gaps: [], chainOk: true });
    }

    body(() => centre, expectSameChains);
  });
}

/** The storm of faults, two kiosks at once and the centre killed -9, on one store. */
export function journalFaultTests(kind: CentreStore): void {
  onCentre(kind, (centre, expectSameChains) => {
    it('after a storm of faults on single requests (drops mid-upload, delays, cut and reset replies), the centre holds exactly the kiosk chain', async () => {
      const kiosk = await centre().kiosk(`STORM-${kind}`);
      // Eight batches and the registry pull: requests enough to spend the whole budget of faults.
      journal(kiosk, 4_000);
      const faults = 16;
      const proxy = await startFaultProxy(centre().url, { seed: 20201002, faults });
      try {
        await syncUntilDone(kiosk, ['--server', proxy.url]);
        // The storm really happened: every fault was spent on a request of this sync, of each kind.
        expect(Object.values(proxy.done).reduce((a, b) => a + b, 0)).toBe(faults);
        for (const count of Object.values(proxy.done)) expect(count).toBeGreaterThan(0);
      } finally {
        await proxy.close();
      }
      await expectSameChains(kiosk);
    }, 300_000);

    it('two kiosks syncing at the same time both finish, each chain whole at the centre and nothing mixed', async () => {
      const kiosks = await Promise.all([centre().kiosk(`TWIN-A-${kind}`), centre().kiosk(`TWIN-B-${kind}`)]);
      for (let round = 0; round < 3; round++) {
        for (const kiosk of kiosks) journal(kiosk, 700);
        const results = await Promise.all(kiosks.map((kiosk) => kiosk.capbu(['sync', '--json'])));
        for (const result of results) {
          expect(result.code, result.stderr).toBe(0);
          expect(JSON.parse(result.stdout)).toMatchObject({ eventsPending: 0 });
        }
      }
      for (const kiosk of kiosks) await expectSameChains(kiosk);
      const [a, b] = await Promise.all(kiosks.map((kiosk) => centre().chain(kiosk.id)));
      expect(a!.length).toBeGreaterThan(2_000);
      expect(b!.length).toBe(a!.length);
    }, 300_000);

    it('the centre killed -9 while requests are in flight and started again: the kiosk resumes, and the centre holds each event once', async () => {
      const kiosk = await centre().kiosk(`RESTART-${kind}`);
      journal(kiosk, 3_000);
      const random = seeded(77);
      const killAt = new Set([2, 4, 7]);
      let restarts = 0;
      let restarting: Promise<void> = Promise.resolve();
      // The kill lands a seeded few milliseconds after a request's first bytes reached the centre:
      // before, during or after it stores the batch, but always before the kiosk reads the reply.
      const proxy = await startFaultProxy(centre().url, {
        seed: 1,
        faults: 0,
        onRequest: (n) => {
          if (!killAt.has(n)) return;
          restarting = restarting.then(async () => {
            await sleep(Math.floor(random() * 40));
            await centre().kill();
            restarts++;
            await sleep(300);
            await centre().start();
          });
        },
      });
      try {
        await syncUntilDone(kiosk, ['--server', proxy.url], 20);
        await restarting;
        expect(restarts).toBe(3);
        expect(proxy.requests()).toBeGreaterThanOrEqual(7);
      } finally {
        await proxy.close();
      }
      await expectSameChains(kiosk);
    }, 300_000);
  });
}

/** A journal-load.mjs process, its modules loaded, waiting for `go` on its standard input. */
interface LoadProcess {
  readonly child: ChildProcess;
  readonly out: () => string;
  readonly err: () => string;
  readonly exited: Promise<void>;
}

function startLoad(env: NodeJS.ProcessEnv): LoadProcess {
  const child = spawn(process.execPath, [LOAD], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return { child, out: () => out, err: () => err, exited };
}

/** Resolves once the process printed its first committed seq, or ended, or after `ms`. */
function firstCommit(load: LoadProcess, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      load.child.stdout!.off('data', check);
      resolve();
    }
    function check() {
      if (load.out().includes('\n')) done();
    }
    load.child.stdout!.on('data', check);
    void load.exited.then(done);
    check();
  });
}

/** The 100 seeded kill -9s of a kiosk journaling and syncing at once, on one store. */
export function journalKillTests(kind: CentreStore): void {
  onCentre(kind, (centre, expectSameChains) => {
    it('survives 100 seeded kill -9s of a kiosk journaling and syncing at once: nothing committed lost or doubled', async () => {
      const kiosk = await centre().kiosk(`KILLED-${kind}`);
      const random = seeded(1311);
      let committed = new Set<number>();
      // Each process is started one kill ahead and loads its modules (most of its life here) while
      // the one before works and is killed; it touches the store only once told to go.
      let next = startLoad(kiosk.env);
      for (let kill = 0; kill < 100; kill++) {
        const load = next;
        next = startLoad(kiosk.env);
        load.child.stdin!.write('go\n');
        // Wait for the first commit, then a seeded while, then the power cut.
        await firstCommit(load, 10_000);
        expect(load.err()).toBe('');
        await sleep(Math.floor(random() * 300));
        load.child.kill('SIGKILL');
        await load.exited;
        const printed = load.out().split('\n').filter(Boolean).map(Number);
        const stored = new Set(kiosk.chain().map((e) => e.seq));
        for (const seq of [...committed, ...printed]) expect(stored.has(seq), `seq ${seq} after kill ${kill}`).toBe(true);
        committed = stored;
      }
      // The one started ahead is never told to go: it ends with its standard input, store untouched.
      next.child.stdin!.end();
      await next.exited;
      expect(next.err()).toBe('');
      expect(next.out()).toBe('');
      const db = openStore(kiosk.home);
      expect(verifyJournal(db)).toMatchObject({ ok: true });
      db.close();
      // The centre saw part of it while the kills went on.
      expect((await centre().chain(kiosk.id)).length).toBeGreaterThan(0);
      await syncUntilDone(kiosk, [], 10);
      await expectSameChains(kiosk);
      // A hundred processes started and killed: minutes on a loaded machine, well within the budget.
    }, 600_000);
  });
}
