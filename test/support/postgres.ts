/**
 * A throw-away PostgreSQL for the central tests: CAPBU_TEST_PG_URL when set (CI may run its own
 * server), otherwise a private cluster from Debian's postgresql package in a temp directory,
 * listening on 127.0.0.1 on a free port, run as the `postgres` user when we are root (initdb
 * refuses root). Each test suite gets a fresh database in it.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { freePort } from '../../src/demo/centre.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface TestPostgres {
  /** A new, empty database; its URL. */
  newDatabase(): Promise<string>;
  stop(): Promise<void>;
}

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) {
    throw new Error('PostgreSQL is not installed: run `apt-get update && apt-get install -y postgresql`, or set CAPBU_TEST_PG_URL');
  }
  return join(root, versions[0]!, 'bin');
}


function postgresIds(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

async function createDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

const newName = () => `capbu_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;

export async function startPostgres(): Promise<TestPostgres> {
  const external = process.env.CAPBU_TEST_PG_URL;
  if (external) {
    const made: string[] = [];
    return {
      newDatabase: async () => {
        const name = newName();
        await createDatabase(external, name);
        made.push(name);
        return withDatabase(external, name);
      },
      stop: async () => {
        const client = new pg.Client({ connectionString: external });
        await client.connect();
        for (const name of made) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
        await client.end();
      },
    };
  }

  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'capbu-pg-'));
  const asRoot = process.getuid?.() === 0;
  const run = (tool: string, args: string[]) => {
    const command = asRoot ? 'runuser' : join(bin, tool);
    const argv = asRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args;
    execFileSync(command, argv, { stdio: 'pipe', cwd: dir });
  };
  if (asRoot) {
    const { uid, gid } = postgresIds();
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const port = await freePort();
  run('initdb', ['-D', data, '-U', 'capbu', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  run('pg_ctl', [
    '-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60',
    '-o', `-h 127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
    'start',
  ]);
  const admin = `postgres://capbu@127.0.0.1:${port}/postgres`;
  return {
    newDatabase: async () => {
      const name = newName();
      await createDatabase(admin, name);
      return withDatabase(admin, name);
    },
    stop: async () => {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
