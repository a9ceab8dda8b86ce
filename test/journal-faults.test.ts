/**
 * Proof under faults (issue 12, §4), on the real centre — `capbu central serve` in its own process
 * on loopback — with its SQLite store and with PostgreSQL: a seeded storm of faults landing on
 * single requests; 100 seeded kill -9s of a kiosk process that journals and syncs at once; two
 * kiosks syncing at the same time; the centre killed -9 and started again while a kiosk syncs.
 * Afterwards the centre holds exactly each kiosk's chain, each event once, and
 * `capbu journal verify` and `capbu central kiosk list` agree.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvent, verifyJournal } from '../src/store/journal.js';
import { openStore } from '../src/store/store.js';
import { seeded, startFaultProxy } from './support/fault-proxy.js';
import { startPostgres, type TestPostgres } from './support/postgres.js';
import { serveCentre, type EnrolledKiosk, type ServedCentre } from './support/served-centre.js';
import { makeWorld, type World } from './support/world.js';

const LOAD = fileURLToPath(new URL('./support/journal-load.mjs', import.meta.url));
const STORES = ['sqlite', 'postgres'] as const;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let world: World;
let postgres: TestPostgres | null = null;

beforeAll(async () => {
  world = await makeWorld();
});
afterAll(async () => {
  await postgres?.stop();
});

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

describe.each(STORES)('on %s', (kind) => {
  let centre: ServedCentre;

  beforeAll(async () => {
    const db = kind === 'sqlite' ? join(world.dir, 'centre-faults.db') : await (postgres ??= await startPostgres()).newDatabase();
    centre = await serveCentre(world, db);
  });
  afterAll(async () => {
    await centre?.stop();
  });

  async function expectSameChains(kiosk: EnrolledKiosk): Promise<void> {
    const chain = kiosk.chain();
    expect(await centre.chain(kiosk.id)).toEqual(chain);
    const verify = await kiosk.capbu(['journal', 'verify', '--json']);
    expect(JSON.parse(verify.stdout)).toEqual({ ok: true, events: chain.length, firstBad: null, problem: null });
    const list = JSON.parse((await kiosk.capbu(['central', 'kiosk', 'list', '--json', '--db', centre.db])).stdout);
    expect(list.find((k: { id: string }) => k.id === kiosk.id)).toMatchObject({ acknowledgedSeq: chain.length, events: chain.length, gaps: [], chainOk: true });
  }

  it('after a storm of faults on single requests (drops mid-upload, delays, cut and reset replies), the centre holds exactly the kiosk chain', async () => {
    const kiosk = await centre.kiosk(`STORM-${kind}`);
    // Eight batches and the registry pull: requests enough to spend the whole budget of faults.
    journal(kiosk, 4_000);
    const faults = 16;
    const proxy = await startFaultProxy(centre.url, { seed: 20201002, faults });
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

  it('survives 100 seeded kill -9s of a kiosk journaling and syncing at once: nothing committed lost or doubled', async () => {
    const kiosk = await centre.kiosk(`KILLED-${kind}`);
    const random = seeded(1311);
    let committed = new Set<number>();
    for (let kill = 0; kill < 100; kill++) {
      const child = spawn(process.execPath, [LOAD], { env: { ...process.env, ...kiosk.env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
      // Wait for the first commit, then a seeded while, then the power cut.
      for (let i = 0; i < 400 && !out.includes('\n') && child.exitCode === null; i++) await sleep(25);
      expect(err).toBe('');
      await sleep(Math.floor(random() * 300));
      child.kill('SIGKILL');
      await exited;
      const printed = out.split('\n').filter(Boolean).map(Number);
      const stored = new Set(kiosk.chain().map((e) => e.seq));
      for (const seq of [...committed, ...printed]) expect(stored.has(seq), `seq ${seq} after kill ${kill}`).toBe(true);
      committed = stored;
    }
    const db = openStore(kiosk.home);
    expect(verifyJournal(db)).toMatchObject({ ok: true });
    db.close();
    // The centre saw part of it while the kills went on.
    expect((await centre.chain(kiosk.id)).length).toBeGreaterThan(0);
    await syncUntilDone(kiosk, [], 10);
    await expectSameChains(kiosk);
    // A hundred processes started and killed: minutes on a loaded machine, well within the budget.
  }, 600_000);

  it('two kiosks syncing at the same time both finish, each chain whole at the centre and nothing mixed', async () => {
    const kiosks = await Promise.all([centre.kiosk(`TWIN-A-${kind}`), centre.kiosk(`TWIN-B-${kind}`)]);
    for (let round = 0; round < 3; round++) {
      for (const kiosk of kiosks) journal(kiosk, 700);
      const results = await Promise.all(kiosks.map((kiosk) => kiosk.capbu(['sync', '--json'])));
      for (const result of results) {
        expect(result.code, result.stderr).toBe(0);
        expect(JSON.parse(result.stdout)).toMatchObject({ eventsPending: 0 });
      }
    }
    for (const kiosk of kiosks) await expectSameChains(kiosk);
    const [a, b] = await Promise.all(kiosks.map((kiosk) => centre.chain(kiosk.id)));
    expect(a!.length).toBeGreaterThan(2_000);
    expect(b!.length).toBe(a!.length);
  }, 300_000);

  it('the centre killed -9 while requests are in flight and started again: the kiosk resumes, and the centre holds each event once', async () => {
    const kiosk = await centre.kiosk(`RESTART-${kind}`);
    journal(kiosk, 3_000);
    const random = seeded(77);
    const killAt = new Set([2, 4, 7]);
    let restarts = 0;
    let restarting: Promise<void> = Promise.resolve();
    // The kill lands a seeded few milliseconds after a request's first bytes reached the centre:
    // before, during or after it stores the batch, but always before the kiosk reads the reply.
    const proxy = await startFaultProxy(centre.url, {
      seed: 1,
      faults: 0,
      onRequest: (n) => {
        if (!killAt.has(n)) return;
        restarting = restarting.then(async () => {
          await sleep(Math.floor(random() * 40));
          await centre.kill();
          restarts++;
          await sleep(300);
          await centre.start();
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
