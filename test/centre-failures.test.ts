/**
 * Issue 10 point 7 (and point 13's kiosk side): only the centre's considered answers — a 4xx in
 * the API's shape — are final. A 5xx, a timeout or a reply that is not the API's is retried
 * with backoff and then queued (exit 3) with the request kept; a Retry-After is honoured, bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { RenewalRequest } from '../src/central/api.js';
import { CentralClient } from '../src/sync/client.js';
import { MAX_RETRY_AFTER_MS, sendRenewal } from '../src/sync/send-renewal.js';
import { startTestCentre, type TestCentre } from './support/centre.js';
import { runCapbu } from './support/cli.js';
import { eligibleCustomer } from './support/renewal.js';
import { NOW, USER_PIN, makeWorld, type World } from './support/world.js';

let world: World;
let centre: TestCentre;

const renew = (label: string, extra: string[] = []) =>
  runCapbu(['renew', '--token', label, '--pin-stdin', '--json', '--now', NOW, ...extra], { env: world.env, stdin: `${USER_PIN}\n` });

function kioskStore<T>(read: (db: Database.Database) => T): T {
  const db = new Database(join(world.env.CAPBU_HOME!, 'capbu.db'), { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

const renewalState = (oldSerial: string) =>
  kioskStore((db) => db.prepare('SELECT state FROM renewals WHERE old_serial = ?').pluck().get(oldSerial) as string | undefined);

beforeAll(async () => {
  world = await makeWorld();
  centre = await startTestCentre(world, new Date(NOW));
  writeFileSync(join(world.env.CAPBU_HOME!, 'settings.json'), JSON.stringify({ retryDelaysMs: [10, 10] }));
});

afterAll(async () => {
  await centre?.close();
});

it('a locked centre database: retried, then queued with the request kept; sync sends it once the lock is gone', async () => {
  const customer = await eligibleCustomer(world, centre, 'locked');
  const lock = new Database(centre.db);
  lock.exec('BEGIN EXCLUSIVE');
  let pending;
  try {
    pending = await renew(customer.label);
  } finally {
    lock.exec('ROLLBACK');
    lock.close();
  }
  expect(pending.stderr).toBe('');
  expect(pending.code).toBe(3);
  expect(JSON.parse(pending.stdout)).toMatchObject({ status: 'pending', oldSerial: customer.serial });
  expect(renewalState(customer.serial)).toBe('queued');
  expect(centre.issuedFor(customer.serial)).toBe(0);

  const synced = await runCapbu(['sync', '--now', NOW], { env: world.env });
  expect(synced.stderr).toBe('');
  expect(synced.code).toBe(0);
  expect(centre.issuedFor(customer.serial)).toBe(1);
  const installed = await renew(customer.label);
  expect(installed.code).toBe(0);
  expect(JSON.parse(installed.stdout).status).toBe('renewed');
}, 180_000);

describe('through a proxy that fails before it forwards', () => {
  let proxy: Server;
  let proxyUrl: string;
  /** What the proxy answers to the next renewals, before forwarding again. */
  let failures: ((res: ServerResponse) => void)[] = [];
  /** When each renewal reached the proxy. */
  let arrivals: number[] = [];

  async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.url?.endsWith('/renewals')) {
      arrivals.push(performance.now());
      const fail = failures.shift();
      if (fail) return fail(res);
    }
    const upstream = await fetch(centre.url + req.url, {
      method: req.method,
      headers: { 'content-type': 'application/json', authorization: req.headers.authorization ?? '' },
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    res.writeHead(upstream.status, { 'content-type': 'application/json', 'x-capbu-time': upstream.headers.get('x-capbu-time') ?? '' });
    res.end(await upstream.text());
  }

  beforeAll(async () => {
    proxy = createServer((req, res) => void forward(req, res));
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => proxy.close(() => resolve())));

  const json = (status: number, body: unknown, headers: Record<string, string> = {}) => (res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  it("a 500 with the centre's INTERNAL code and a proxy's 502 page are not refusals: the third try renews", async () => {
    const customer = await eligibleCustomer(world, centre, 'five-hundred');
    failures = [
      json(500, { code: 'INTERNAL', message: 'unexpected error (see the centre log)' }),
      (res) => {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<h1>502 Bad Gateway</h1>');
      },
    ];
    arrivals = [];
    const result = await renew(customer.label, ['--server', proxyUrl]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).status).toBe('renewed');
    expect(arrivals).toHaveLength(3);
    expect(centre.issuedFor(customer.serial)).toBe(1);
  });

  it('a 503 with Retry-After is tried again no sooner than the centre asked', async () => {
    const customer = await eligibleCustomer(world, centre, 'retry-after');
    failures = [json(503, { code: 'INTERNAL', message: 'busy' }, { 'retry-after': '1' })];
    arrivals = [];
    const result = await renew(customer.label, ['--server', proxyUrl]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(arrivals).toHaveLength(2);
    // The kiosk's own backoff here is 10 ms; the centre asked for a second.
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(990);
  });

  it('5xx on every try: queued (exit 3), the request kept, and not a refusal', async () => {
    const customer = await eligibleCustomer(world, centre, 'always-5xx');
    failures = [json(500, { code: 'INTERNAL', message: 'x' }), json(503, { code: 'NOT_ELIGIBLE', message: 'x', reasons: ['REVOKED'] }), json(504, {})];
    const result = await renew(customer.label, ['--server', proxyUrl]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(3);
    expect(renewalState(customer.serial)).toBe('queued');
    expect(failures).toHaveLength(0);
  });
});

describe('the wait between tries, on a real HTTP exchange', () => {
  let server: Server;
  let url: string;
  let answer: (res: ServerResponse) => void;
  let requests = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests++;
      req.resume();
      req.on('end', () => answer(res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const request = { idempotencyKey: '00000000-0000-4000-8000-000000000000' } as RenewalRequest;

  async function waitsFor(retryAfter: string | null, timeoutMs?: number): Promise<{ kind: string; waits: number[] }> {
    answer = (res) => {
      res.writeHead(503, { 'content-type': 'application/json', ...(retryAfter === null ? {} : { 'retry-after': retryAfter }) });
      res.end('{"code":"INTERNAL","message":"busy"}');
    };
    const waits: number[] = [];
    const client = new CentralClient({ server: url, credential: 'k.secret', timeoutMs, now: () => new Date('2020-06-01T03:00:00Z') });
    const outcome = await sendRenewal(client, request, [10, 20], async (ms) => void waits.push(ms));
    return { kind: outcome.kind, waits };
  }

  it('honours Retry-After in seconds and as a date, and never longer than the bound', async () => {
    expect(await waitsFor(null)).toEqual({ kind: 'unreachable', waits: [10, 20] });
    expect(await waitsFor('2')).toEqual({ kind: 'unreachable', waits: [2000, 2000] });
    expect(await waitsFor('Mon, 01 Jun 2020 03:00:05 GMT')).toEqual({ kind: 'unreachable', waits: [5000, 5000] });
    expect(await waitsFor('3600')).toEqual({ kind: 'unreachable', waits: [MAX_RETRY_AFTER_MS, MAX_RETRY_AFTER_MS] });
    expect(await waitsFor('soon')).toEqual({ kind: 'unreachable', waits: [10, 20] });
  });

  it('a centre that never answers is retried after the timeout, then the request is queued', async () => {
    requests = 0;
    answer = () => undefined;
    const waits: number[] = [];
    const client = new CentralClient({ server: url, credential: 'k.secret', timeoutMs: 200 });
    const outcome = await sendRenewal(client, request, [10, 10], async (ms) => void waits.push(ms));
    expect(outcome.kind).toBe('unreachable');
    expect(requests).toBe(3);
    expect(waits).toEqual([10, 10]);
  });
});
