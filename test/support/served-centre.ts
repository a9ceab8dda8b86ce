/**
 * `capbu central serve` as its own process on a fixed loopback port, so a test can kill -9 it
 * and start it again at the same address, on a SQLite file or a PostgreSQL database; and kiosks
 * enrolled with it, each with its own data directory, the way an installer enrols them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { freePort } from '../../src/demo/centre.js';
import { BIN, runCapbu, type RunResult } from './cli.js';
import type { World } from './world.js';

export interface Link {
  readonly seq: number;
  readonly hash: string;
}

export interface EnrolledKiosk {
  readonly id: string;
  readonly home: string;
  /** CAPBU_HOME and the world's campaign, for capbu processes of this kiosk. */
  readonly env: NodeJS.ProcessEnv;
  capbu(args: string[]): Promise<RunResult>;
  /** The kiosk's journal as seq and hash, read behind capbu's back. */
  chain(): Link[];
}

export interface ServedCentre {
  readonly url: string;
  /** A SQLite path or a postgres:// URL. */
  readonly db: string;
  start(): Promise<void>;
  /** A power cut: SIGKILL, nothing flushed, nothing closed. */
  kill(): Promise<void>;
  stop(): Promise<void>;
  kiosk(id: string): Promise<EnrolledKiosk>;
  /** What the centre holds of a kiosk's chain, read from its database. */
  chain(kioskId: string): Promise<Link[]>;
}

const CHAIN_SQL = 'SELECT seq, hash FROM kiosk_events WHERE kiosk_id = $1 ORDER BY seq';

export async function serveCentre(world: World, db: string): Promise<ServedCentre> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = { CAPBU_CAMPAIGN: world.campaignPath, CAPBU_LANG: 'en', CAPBU_LOG_LEVEL: 'warn' };
  let child: ChildProcess | null = null;

  const start = () =>
    new Promise<void>((resolve, reject) => {
      // Per-kiosk limits high enough for a storm of retries; the quota tests are the centre's own.
      const args = ['central', 'serve', '--ca-key', world.newCaKeyPath, '--db', db, '--listen', `127.0.0.1:${port}`, '--rate-limit', '6000'];
      const started = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
      child = started;
      let stderr = '';
      started.stderr!.on('data', (d) => {
        stderr += d;
        if (stderr.includes(`listening on ${url}`)) resolve();
      });
      started.once('exit', (code) => reject(new Error(`capbu central serve exited ${code}: ${stderr}`)));
    });
  const ended = (signal: NodeJS.Signals) => async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill(signal);
    await exited;
  };

  const chain = async (kioskId: string): Promise<Link[]> => {
    if (!db.startsWith('postgres')) {
      const reader = new Database(db, { readonly: true });
      try {
        return reader.prepare(CHAIN_SQL.replace('$1', '?')).all(kioskId) as Link[];
      } finally {
        reader.close();
      }
    }
    const client = new pg.Client({ connectionString: db });
    await client.connect();
    try {
      return (await client.query(CHAIN_SQL, [kioskId])).rows.map((r) => ({ seq: Number(r.seq), hash: String(r.hash) }));
    } finally {
      await client.end();
    }
  };

  await start();
  return {
    url,
    db,
    start,
    kill: ended('SIGKILL'),
    stop: ended('SIGTERM'),
    chain,
    kiosk: async (id) => {
      const home = join(world.dir, `kiosk-${id}`);
      const kioskEnv = { ...world.env, CAPBU_HOME: home };
      const capbu = (args: string[]) => runCapbu(args, { env: kioskEnv });
      const added = await capbu(['central', 'kiosk', 'add', '--id', id, '--province', 'HN', '--channel', 'field', '--db', db]);
      if (added.code !== 0) throw new Error(`central kiosk add: ${added.stderr}`);
      const enrolled = await capbu(['enroll', '--server', url, '--code', added.stdout.trim().split('\n').at(-1)!]);
      if (enrolled.code !== 0) throw new Error(`enroll: ${enrolled.stderr}`);
      return {
        id,
        home,
        env: kioskEnv,
        capbu,
        chain: () => {
          const reader = new Database(join(home, 'capbu.db'), { readonly: true });
          try {
            return reader.prepare('SELECT seq, hash FROM journal ORDER BY seq').all() as Link[];
          } finally {
            reader.close();
          }
        },
      };
    },
  };
}
