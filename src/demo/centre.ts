/**
 * The demo world's central service: the real `capbu central serve` on loopback with a SQLite
 * store, the demo registry loaded, this kiosk enrolled in it — behind a link the clerk can cut
 * (the `n` key) to see requests wait offline and finish later.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CapbuError } from '../errors.js';
import { credentialPath } from '../sync/credential.js';
import { DEMO_WAVE_2, demoPaths, type DemoWorld } from './world.js';

const run = promisify(execFile);
export const DEMO_KIOSK_ID = 'DEMO-QUAY-01';

export interface DemoCentre {
  /** Where the kiosk reaches the centre: through the link. */
  readonly url: string;
  linkUp(): boolean;
  /** Cuts the link (every connection dropped, new ones refused), or restores it. */
  toggleLink(): void;
  stop(): Promise<void>;
}

/** A port on 127.0.0.1 that nothing listens on now (the demo's centre, the tests' PostgreSQL). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitForListen(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) break;
    if (await listening(port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new CapbuError('DEMO_CENTRE_FAILED', { log: 'centre.log' });
}

/** A TCP link to the centre that can be cut. */
function link(target: number): Promise<{ server: Server; port: number; sockets: Set<Socket>; up: { value: boolean } }> {
  const sockets = new Set<Socket>();
  const up = { value: true };
  const server = createServer((client) => {
    if (!up.value) {
      client.destroy();
      return;
    }
    const upstream = connect(target, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
      // A cut or a centre restart ends both halves; the kiosk sees an unreachable centre.
      s.once('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0, sockets, up });
    }),
  );
}

export async function startDemoCentre(world: DemoWorld, bin: string): Promise<DemoCentre> {
  const paths = demoPaths(world.directory);
  const env = { ...process.env, ...world.env };
  const capbu = (...args: string[]) => run(process.execPath, [bin, ...args], { env });
  const db = paths.centreDb;
  const fresh = !existsSync(db);
  if (fresh) {
    await capbu('central', 'registry', 'import', join(paths.campaign, 'registry.csv'), '--db', db);
    await capbu('central', 'registry', 'add-certs', join(paths.campaign, 'issued.pem'), '--db', db);
  }
  const port = await freePort();
  const log = openSync(join(world.directory, 'centre.log'), 'a');
  const child = spawn(
    process.execPath,
    [
      ...[bin, 'central', 'serve', '--campaign', world.env.CAPBU_CAMPAIGN!, '--db', db, '--listen', `127.0.0.1:${port}`],
      // One new-CA key per wave of the campaign set.
      ...['--ca-key', `demo-viettel-ca=${join(paths.campaign, 'new-ca.key')}`],
      ...['--ca-key', `${DEMO_WAVE_2}=${join(paths.campaign, `${DEMO_WAVE_2}-new-ca.key`)}`],
      // The README's walkthrough signs with this key too: a database made just now is new on purpose.
      ...(fresh ? ['--new-database'] : []),
    ],
    { env, stdio: ['ignore', log, log] },
  );
  await waitForListen(port, child, 30_000);
  const proxy = await link(port);
  const url = `http://127.0.0.1:${proxy.port}`;
  if (!existsSync(credentialPath(paths.home))) {
    const added = await capbu('central', 'kiosk', 'add', '--id', DEMO_KIOSK_ID, '--province', 'HN', '--channel', 'counter', '--db', db);
    const code = added.stdout.trim().split('\n').at(-1)!.trim();
    await capbu('enroll', '--server', url, '--code', code);
  }
  return {
    url,
    linkUp: () => proxy.up.value,
    toggleLink() {
      proxy.up.value = !proxy.up.value;
      if (!proxy.up.value) for (const s of proxy.sockets) s.destroy();
    },
    async stop() {
      for (const s of proxy.sockets) s.destroy();
      await new Promise<void>((resolve) => proxy.server.close(() => resolve()));
      child.kill('SIGTERM');
    },
  };
}
