/**
 * Issue 10, point 5: once the login is done, no copy of the customer's PIN is left in the
 * process. `capbu renew` logs in, signs its request, and then waits out the centre's 503s in its
 * backoff; meanwhile this test reads the whole memory of that process (every readable mapping in
 * /proc/PID/maps, through /proc/PID/mem) and counts the PIN's bytes. (On Node 24 a PIN string made
 * in a login worker stayed readable for seconds after the worker ended, in V8's page pool: the
 * login makes no string of the PIN at all, src/token/pin-login.ts.)
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestCentre, type TestCentre } from './support/centre.js';
import { BIN } from './support/cli.js';
import { NOW, makeWorld, type World } from './support/world.js';

/** Distinctive, so nothing else in a process spells it; Viettel PINs are any printable ASCII. */
const PINS = ['Pin-7f3c-Zq!x', 'Long-PIN-9d41-that-fills-more-than-one-heap-word-Qx7!'];

let world: World;
let centre: TestCentre;
let proxy: Server;
let proxyUrl: string;
/** Called when a renewal reaches the proxy: the login and the request's signature are behind it. */
let renewalArrived: () => void = () => undefined;

beforeAll(async () => {
  world = await makeWorld();
  centre = await startTestCentre(world, new Date(NOW));
  // Long waits between tries: the process sits in its backoff while its memory is read.
  writeFileSync(join(world.env.CAPBU_HOME!, 'settings.json'), JSON.stringify({ retryDelaysMs: [60_000] }));
  // The centre, except that every renewal gets 503 (a centre in trouble), so the kiosk backs off.
  proxy = createServer((req, res) => {
    if (req.method === 'POST' && req.url?.startsWith('/v1/renewals')) {
      req.resume();
      res.writeHead(503, { 'content-type': 'text/plain' }).end('unavailable');
      renewalArrived();
      return;
    }
    const target = new URL(req.url ?? '/', centre.url);
    const upstream = fetch(target, { method: req.method, headers: req.headers as Record<string, string> });
    void upstream.then(async (reply) => {
      res.writeHead(reply.status, Object.fromEntries(reply.headers));
      res.end(Buffer.from(await reply.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  proxy?.close();
  await centre?.close();
});

/** How many times `needle` occurs in the readable memory of process `pid`. */
function occurrencesInMemory(pid: number, needle: Buffer): number {
  const maps = readFileSync(`/proc/${pid}/maps`, 'utf8').trim().split('\n');
  const mem = openSync(`/proc/${pid}/mem`, 'r');
  const chunk = Buffer.alloc(1 << 20);
  let found = 0;
  try {
    for (const line of maps) {
      const [range, perms] = line.split(/\s+/);
      if (!perms!.startsWith('r') || line.endsWith('[vvar]') || line.endsWith('[vsyscall]')) continue;
      const [start, end] = range!.split('-').map((hex) => parseInt(hex, 16)) as [number, number];
      // Overlapping reads, so that a copy across two chunks is counted once, by the second.
      for (let at = start; at < end; ) {
        let read: number;
        try {
          read = readSync(mem, chunk, 0, Math.min(chunk.length, end - at), at);
        } catch {
          break; // a mapping the kernel will not show (device memory, guard pages)
        }
        const last = read === 0 || at + read >= end;
        const view = chunk.subarray(0, read);
        const limit = last ? read : read - needle.length + 1;
        for (let i = view.indexOf(needle); i !== -1 && i < limit; i = view.indexOf(needle, i + 1)) found++;
        if (last) break;
        at += read - needle.length + 1;
      }
    }
  } finally {
    closeSync(mem);
  }
  return found;
}

for (const [n, pin] of PINS.entries()) {
  it(`leaves no copy of the PIN in memory once logged in (${pin.length} characters), during the network backoff`, async () => {
    const label = `PIN-MEM-${n}`;
    const taxCode = `01099${String(n).padStart(5, '0')}`;
    const { serial } = await world.subscriberToken(label, { commonName: `CÔNG TY PIN ${n}`, taxCode, province: 'HÀ NỘI' }, { userPin: pin });
    await centre.register([{ serial, taxCode, contractEnd: '2022-03-01', status: 'active', province: 'HN' }]);

    const arrived = new Promise<void>((resolve) => (renewalArrived = resolve));
    const child = spawn(process.execPath, [BIN, 'renew', '--token', label, '--pin-stdin', '--server', proxyUrl, '--now', NOW], {
      env: { ...process.env, ...world.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.stdin.end(`${pin}\n`);
    try {
      await Promise.race([arrived, exited.then(() => Promise.reject(new Error(`renew ended before its renewal reached the centre: ${output}`)))]);
      // The login and the signature are done; the process now waits 60 s before trying again.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const copies = ['latin1', 'utf16le'].map((encoding) => occurrencesInMemory(child.pid!, Buffer.from(pin, encoding as BufferEncoding)));
      expect(copies).toEqual([0, 0]);
      // The count can find a PIN: the process's own memory holds its token label and the centre's address.
      expect(occurrencesInMemory(child.pid!, Buffer.from(proxyUrl, 'latin1'))).toBeGreaterThan(0);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
  }, 120_000);
}
