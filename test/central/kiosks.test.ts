/**
 * Kiosks and the centre: enrolment, authentication (and what the log says about refusals), the
 * per-kiosk rate limit, registry sync, journal events and the report — on a real centre.
 */
import { statSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newEnrolmentCode } from '../../src/central/credentials.js';
import { isCapbuError } from '../../src/errors.js';
import { seal, ZERO_HASH } from '../../src/journal/format.js';
import { CentralClient } from '../../src/sync/client.js';
import { loadCredential } from '../../src/sync/credential.js';
import { enrollKiosk, kioskClient } from '../../src/sync/enroll.js';
import { runCapbu } from '../support/cli.js';
import { addKioskWithCode } from '../support/enrolment.js';
import { centralDatabases, credentialOf, makeCentralWorld, NOW, sqlitePath, startCentre, type Centre, type CentralWorld } from './fixtures.js';

let world: CentralWorld;

beforeAll(async () => {
  world = await makeCentralWorld();
});
const databases = centralDatabases(() => world);

async function failure(promise: Promise<unknown>): Promise<{ code: string; details: Record<string, unknown> }> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!isCapbuError(error)) throw new Error(`expected a CapbuError, got ${String(error)}`);
  return { code: error.code, details: error.details };
}

async function addKiosk(centre: Centre, id: string, expiresInMs = 3600_000): Promise<string> {
  return addKioskWithCode(centre.running.services.store, { id, province: 'DN', channel: 'field' }, NOW, expiresInMs);
}

describe('enrolment and authentication', () => {
  let centre: Centre;
  const logLines: string[] = [];

  beforeAll(async () => {
    const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
    centre = await startCentre(world, sqlitePath(world, 'auth'), { loggerInstance: logger, logger: undefined });
  });
  afterAll(() => centre.running.close());

  it('trades a one-time code for a credential kept with mode 0600, and the code works once', async () => {
    const code = await addKiosk(centre, 'dn-field-1');
    const home = join(world.dir, 'kiosk-home-1');
    const { credential, path } = await enrollKiosk(centre.url, code.toLowerCase(), home, () => NOW);
    expect(credential).toMatchObject({ server: centre.url, kioskId: 'dn-field-1', province: 'DN', channel: 'field' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(loadCredential(home).credential).toBe(credential.credential);
    // The centre keeps a hash only.
    const stored = await centre.running.services.store.kiosk('dn-field-1');
    expect(stored?.credentialHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(credential.credential.split('.')[1]);
    expect((await failure(enrollKiosk(centre.url, code, join(world.dir, 'kiosk-home-2')))).code).toBe('ENROLMENT_CODE_INVALID');
    expect((await kioskClient(home).registry(0)).version).toBeGreaterThanOrEqual(0);
  });

  it('refuses an unknown or expired enrolment code', async () => {
    expect((await failure(new CentralClient({ server: centre.url }).enroll(newEnrolmentCode()))).code).toBe('ENROLMENT_CODE_INVALID');
    const code = await addKiosk(centre, 'dn-field-expired', -1000);
    expect((await failure(new CentralClient({ server: centre.url }).enroll(code))).code).toBe('ENROLMENT_CODE_INVALID');
  });

  it('answers 401 to unknown, wrong and revoked credentials, and logs why without the secret', async () => {
    const client = await centre.kiosk('dn-counter-9');
    const credential = credentialOf(client);
    const secret = credential.split('.')[1]!;
    expect((await client.registry(0)).rows).toEqual([]);

    const wrong = new CentralClient({ server: centre.url, credential: `dn-counter-9.${'A'.repeat(43)}` });
    const unknown = new CentralClient({ server: centre.url, credential: `ghost-kiosk.${secret}` });
    for (const c of [wrong, unknown]) expect((await failure(c.registry(0))).code).toBe('UNAUTHORIZED');

    expect(await centre.running.services.store.revokeKiosk('dn-counter-9', NOW.toISOString())).toBe(true);
    expect((await failure(client.registry(0))).code).toBe('UNAUTHORIZED');

    const refusals = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'kiosk authentication refused');
    expect(refusals.map((l) => [l.kioskId, l.refusal])).toEqual(
      expect.arrayContaining([
        ['dn-counter-9', 'wrong-secret'],
        ['ghost-kiosk', 'unknown'],
        ['dn-counter-9', 'revoked'],
      ]),
    );
    expect(logLines.join('\n')).not.toContain(secret);
  });

  it('puts the centre\'s time on every reply and flags a kiosk clock off by more than five minutes', async () => {
    const kiosk = await centre.kiosk('dn-counter-clock');
    const credential = credentialOf(kiosk);
    const late = new CentralClient({ server: centre.url, credential, now: () => new Date(NOW.getTime() - 6 * 60_000) });
    const close = new CentralClient({ server: centre.url, credential, now: () => new Date(NOW.getTime() + 4 * 60_000) });
    expect((await late.registry()).time).toMatchObject({ centreTime: NOW, skewMs: 6 * 60_000, clockWarning: true });
    expect((await close.registry()).time).toMatchObject({ centreTime: NOW, skewMs: -4 * 60_000, clockWarning: false });
  });

  it('gives a kiosk id whose enrolment failed, or that was revoked, a new code; refuses one in service', async () => {
    const db = sqlitePath(world, 'auth');
    const cli = (...args: string[]) => runCapbu(['central', 'kiosk', ...args, '--db', db], { env: { CAPBU_LANG: 'en' } });
    const lastLine = (out: string) => out.trimEnd().split('\n').at(-1)!;
    const firstCode = await addKiosk(centre, 'dn-failed');

    // The first enrolment never happened (the kiosk's disk was full, say): a new code replaces the first.
    const reissued = await cli('reissue', 'dn-failed');
    expect(reissued.code).toBe(0);
    const secondCode = lastLine(reissued.stdout);
    expect(secondCode).not.toBe(firstCode);
    expect((await failure(enrollKiosk(centre.url, firstCode, join(world.dir, 'reissue-1')))).code).toBe('ENROLMENT_CODE_INVALID');
    const { credential } = await enrollKiosk(centre.url, secondCode, join(world.dir, 'reissue-2'), () => NOW);
    const client = new CentralClient({ server: centre.url, credential: credential.credential });
    expect((await client.registry(0)).version).toBeGreaterThanOrEqual(0);

    const inService = await cli('reissue', 'dn-failed');
    expect([inService.code, inService.stderr]).toEqual([2, expect.stringMatching(/^capbu: KIOSK_ENROLLED: [^\n]*\n$/)]);

    expect((await cli('revoke', 'dn-failed')).code).toBe(0);
    const afterRevoke = await cli('reissue', 'dn-failed');
    expect(afterRevoke.code).toBe(0);
    const { credential: again } = await enrollKiosk(centre.url, lastLine(afterRevoke.stdout), join(world.dir, 'reissue-3'), () => NOW);
    expect((await new CentralClient({ server: centre.url, credential: again.credential }).registry(0)).version).toBeGreaterThanOrEqual(0);
    // The credential from before the revocation stays dead.
    expect((await failure(client.registry(0))).code).toBe('UNAUTHORIZED');

    expect((await cli('reissue', 'no-such-kiosk')).stderr).toMatch(/^capbu: KIOSK_NOT_FOUND: /);
  });
});

describe('rate limit per kiosk', () => {
  let centre: Centre;
  beforeAll(async () => {
    centre = await startCentre(world, sqlitePath(world, 'flood'), { kioskLimit: { max: 5, timeWindow: 60_000 } });
  });
  afterAll(() => centre.running.close());

  it('answers a flood from one kiosk with 429 RATE_LIMITED and leaves other kiosks alone', async () => {
    const noisy = await centre.kiosk('flood-1');
    const quiet = await centre.kiosk('quiet-1');
    const results = await Promise.all(Array.from({ length: 12 }, () => noisy.registry(0).then(() => 'ok', (e: unknown) => (isCapbuError(e) ? e.code : 'other'))));
    expect(results.filter((r) => r === 'ok')).toHaveLength(5);
    expect(results.filter((r) => r === 'RATE_LIMITED')).toHaveLength(7);
    expect((await quiet.registry(0)).version).toBe(0);
    // A renewal from the flooding kiosk is refused too, before anything is parsed or issued.
    const s = await world.subscriber('Flooded Co');
    await centre.running.services.store.importRegistry([world.record(s)], NOW.toISOString());
    expect((await failure(noisy.renew(world.request(s, await world.csr(s))))).code).toBe('RATE_LIMITED');
    expect(await centre.running.services.store.renewedSerials()).toEqual([]);
  });
});

describe.each(databases.backends)('registry, events and report on $name', (backend) => {
  let centre: Centre;
  let kiosk: CentralClient;
  beforeAll(async () => {
    centre = await startCentre(world, await backend.db('sync'));
    kiosk = await centre.kiosk('sync-1', { province: 'HN', channel: 'counter' });
  });
  afterAll(() => centre.running.close());

  it('sends only the registry rows changed since the version a kiosk has', async () => {
    const [a, b, c] = await Promise.all([world.subscriber('Reg A'), world.subscriber('Reg B'), world.subscriber('Reg C')]);
    const store = centre.running.services.store;
    // Relative to the version the other tests in this centre left, whichever ran first.
    const base = (await kiosk.registry(0)).version;
    const first = await store.importRegistry([world.record(a), world.record(b)], NOW.toISOString());
    expect(first).toMatchObject({ added: 2, updated: 0, version: base + 1 });
    const all = await kiosk.registry(base);
    expect(all.version).toBe(base + 1);
    expect(all.rows.map((r) => r.serial).sort()).toEqual([a.serial, b.serial].sort());

    // Re-importing the same rows changes nothing and does not move the version.
    expect(await store.importRegistry([world.record(a), world.record(b)], NOW.toISOString())).toMatchObject({ unchanged: 2, version: base + 1 });
    const second = await store.importRegistry([world.record(a), world.record(b, { status: 'suspended' }), world.record(c)], NOW.toISOString());
    expect(second).toMatchObject({ added: 1, updated: 1, unchanged: 1, version: base + 2 });
    const delta = await kiosk.registry(all.version);
    expect(delta.version).toBe(base + 2);
    expect(delta.rows.map((r) => [r.serial, r.status]).sort()).toEqual([[b.serial, 'suspended'], [c.serial, 'active']].sort());
    expect((await kiosk.registry(base + 2)).rows).toEqual([]);
  });

  it('refuses a bad registry version with 400 REQUEST_INVALID', async () => {
    const credential = credentialOf(kiosk);
    for (const since of ['-1', 'abc', '1.5']) {
      const response = await fetch(`${centre.url}/v1/registry?since=${since}`, { headers: { authorization: `Bearer ${credential}` } });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { code: string }).code).toBe('REQUEST_INVALID');
    }
  });

  it('takes journal events through the client, acknowledging how far they are stored', async () => {
    let prevHash = ZERO_HASH;
    const events = [1, 2, 3].map((seq) => {
      const e = seal({ seq, at: NOW.toISOString(), type: 'error', operator: null, data: { command: 'check', code: 'NO_TOKEN' }, prevHash });
      prevHash = e.hash;
      return e;
    });
    expect(await kiosk.events(events.slice(0, 2))).toMatchObject({ acknowledgedSeq: 2 });
    expect(await kiosk.events(events.slice(1))).toMatchObject({ acknowledgedSeq: 3 });
    // The same seq from another kiosk is another chain.
    const other = await centre.kiosk('sync-2');
    expect(await other.events(events.slice(0, 1))).toMatchObject({ acknowledgedSeq: 1 });
    expect((await failure(kiosk.events([{ ...events[0]!, seq: -1 }]))).code).toBe('REQUEST_INVALID');
    expect((await failure(kiosk.events([{ ...events[0]!, operator: 'someone else' }]))).code).toBe('EVENT_HASH_INVALID');
  });

  it('reports eligible, renewed, remaining and refused per province, hardware version and channel, and per day', async () => {
    const store = centre.running.services.store;
    const [hn1, hn2, hcm1, rev] = await Promise.all([
      world.subscriber('Rep HN 1'),
      world.subscriber('Rep HN 2'),
      world.subscriber('Rep HCM 1'),
      world.subscriber('Rep Revoked'),
    ]);
    await store.importRegistry(
      [world.record(hn1, { province: 'HN' }), world.record(hn2, { province: 'HN' }), world.record(hcm1, { province: 'HCM' }), world.record(rev, { province: 'HCM', status: 'revoked' })],
      NOW.toISOString(),
    );
    await store.addCertificates([hn1, hn2, hcm1, rev].map((s) => ({ serial: s.serial, der: s.der })), NOW.toISOString());
    const field = await centre.kiosk('rep-field', { province: 'HCM', channel: 'field' });
    await kiosk.renew(world.request(hn1, await world.csr(hn1)));
    await field.renew(world.request(hcm1, await world.csr(hcm1), { channel: 'field', token: { serial: 'T2', manufacturer: 'Bit4id', model: 'miniLector', hardwareVersion: '2.1' } }));
    await failure(field.renew(world.request(rev, await world.csr(rev), { channel: 'field' })));

    const reader = await centre.kiosk('rep-reader', { role: 'report' });
    const report = await reader.report();
    expect(report.campaign).toBe('viettel-ca-2020');
    expect(report.byProvince.find((g) => g.key === 'HN')).toMatchObject({ eligibleKnown: 2, renewed: 1, remaining: 1, refused: {} });
    expect(report.byProvince.find((g) => g.key === 'HCM')).toMatchObject({ eligibleKnown: 1, renewed: 1, remaining: 0, refused: { REVOKED: 1 } });
    expect(report.byHardwareVersion).toEqual([
      { key: '1.0', eligibleKnown: null, renewed: 1, remaining: null, refused: { REVOKED: 1 } },
      { key: '2.1', eligibleKnown: null, renewed: 1, remaining: null, refused: {} },
    ]);
    expect(report.byChannel.map((g) => [g.key, g.renewed])).toEqual([
      ['counter', 1],
      ['field', 1],
    ]);
    expect(report.total).toMatchObject({ eligibleKnown: 3, renewed: 2, remaining: 1 });
    expect(report.renewalsPerDay).toEqual([{ date: '2020-06-01', renewed: 2 }]);
  });

  it('serves the report to report credentials only: a kiosk gets 403 FORBIDDEN, a report credential cannot renew or sync', async () => {
    const get = async (path: string, credential: string) => {
      const response = await fetch(`${centre.url}/v1${path}`, { headers: { authorization: `Bearer ${credential}` } });
      return { status: response.status, code: ((await response.json()) as { code?: string }).code };
    };
    const { credential: kioskCredential } = await centre.enrolled('nosy-kiosk');
    const { credential: reportCredential } = await centre.enrolled('report-only', { role: 'report' });
    expect(await get('/report', kioskCredential)).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect((await get('/report', reportCredential)).status).toBe(200);
    expect(await get('/registry?since=0', reportCredential)).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect(await get('/status', reportCredential)).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect((await get('/status', kioskCredential)).status).toBe(200);
  });
});

describe('a centre out of reach', () => {
  /** A loopback server that does `answer` with each connection; resolves to its URL. */
  async function rawServer(answer: (socket: Socket) => void): Promise<{ url: string; close: () => void }> {
    const server = createServer(answer);
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
  }

  it('gives up on a centre that takes the connection and never answers, after the timeout', async () => {
    const silent = await rawServer(() => undefined);
    try {
      const client = new CentralClient({ server: silent.url, credential: 'k.secret', timeoutMs: 300 });
      const started = Date.now();
      expect((await failure(client.registry())).code).toBe('SERVER_UNREACHABLE');
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      silent.close();
    }
  });

  it('says the centre is unreachable when nothing listens, and its reply is invalid when it is not JSON', async () => {
    const closed = await rawServer(() => undefined);
    closed.close();
    expect((await failure(new CentralClient({ server: closed.url, credential: 'k.secret' }).registry())).code).toBe('SERVER_UNREACHABLE');
    const proxy = await rawServer((socket) =>
      socket.end('HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html\r\ncontent-length: 11\r\n\r\n<h1>502</h1'),
    );
    try {
      const reply = await failure(new CentralClient({ server: proxy.url, credential: 'k.secret' }).registry());
      expect(reply).toEqual({ code: 'SERVER_REPLY_INVALID', details: { status: 502 } });
    } finally {
      proxy.close();
    }
  });
});
