/**
 * POST /v1/events on the real centre over loopback, SQLite and PostgreSQL: chains stored once,
 * resends harmless, forged batches refused with their code and nothing of them stored, gaps stored
 * and flagged, event data bounded (issue 10 point 15), a per-kiosk quota with 429.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { CapbuError } from '../../src/errors.js';
import { translator } from '../../src/i18n/catalog.js';
import { seal, ZERO_HASH, type JournalEvent } from '../../src/journal/format.js';
import { addKioskWithCode } from '../support/enrolment.js';
import { centralDatabases, makeCentralWorld, NOW, startCentre, type Centre, type CentralWorld } from './fixtures.js';

/** A chain of `n` events from `from`, linked to `prevHash`. */
function chain(n: number, from = 1, prevHash = ZERO_HASH, salt = ''): JournalEvent[] {
  const events: JournalEvent[] = [];
  for (let seq = from; seq < from + n; seq++) {
    const e = seal({
      seq,
      at: new Date(NOW.getTime() + seq).toISOString(),
      type: 'check.decided',
      operator: 'lan',
      data: { tokenSerial: 'T1', certificateSerial: `c${seq}${salt}`, campaign: 'x', eligible: seq % 2 === 0, reasons: seq % 2 ? ['NOT_CAPPED'] : [] },
      prevHash,
    });
    events.push(e);
    prevHash = e.hash;
  }
  return events;
}

interface Kiosk {
  post(body: unknown): Promise<{ status: number; body: Record<string, unknown>; headers: Record<string, unknown> }>;
  send(events: readonly unknown[]): Promise<{ status: number; body: Record<string, unknown> }>;
}

async function kiosk(centre: Centre, id: string, province = 'HN'): Promise<Kiosk> {
  const code = await addKioskWithCode(centre.running.services.store, { id, province, channel: 'field' }, NOW);
  const enrolled = await request(`${centre.url}/v1/enrolments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
  const { credential } = (await enrolled.body.json()) as { credential: string };
  const post = async (body: unknown) => {
    const reply = await request(`${centre.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${credential}` },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: reply.statusCode, body: (await reply.body.json()) as Record<string, unknown>, headers: reply.headers };
  };
  return {
    post,
    send: async (events) => {
      const { status, body } = await post({ events });
      return { status, body };
    },
  };
}

let world: CentralWorld;

beforeAll(async () => {
  world = await makeCentralWorld();
});
const databases = centralDatabases(() => world);

describe.each(databases.backends)('on $name', (backend) => {
  let centre: Centre;

  beforeAll(async () => {
    centre = await startCentre(world, await backend.db('events'));
  });
  afterAll(async () => {
    await centre?.running.close();
  });

  const chains = async () => centre.running.services.store.kioskChains();
  const chainOf = async (id: string) => (await chains()).find((k) => k.id === id)!;

  it('stores a chain in batches, acknowledges how far it is whole, and takes a resend as harmless', async () => {
    const k = await kiosk(centre, `K1-${backend.name}`);
    const events = chain(700);
    expect(await k.send(events.slice(0, 500))).toEqual({ status: 200, body: { acknowledgedSeq: 500 } });
    expect(await k.send(events.slice(400, 700))).toEqual({ status: 200, body: { acknowledgedSeq: 700 } });
    expect(await k.send(events.slice(650, 700))).toEqual({ status: 200, body: { acknowledgedSeq: 700 } });
    expect(await chainOf(`K1-${backend.name}`)).toMatchObject({ acknowledgedSeq: 700, events: 700, gaps: [], chainOk: true, province: 'HN', channel: 'field' });
    expect((await chainOf(`K1-${backend.name}`)).lastSeenAt).toBe(NOW.toISOString());
  });

  it('stores and flags a gap, and acknowledges past it once it is filled', async () => {
    const id = `K2-${backend.name}`;
    const k = await kiosk(centre, id);
    const events = chain(30);
    expect((await k.send(events.slice(0, 10))).body).toEqual({ acknowledgedSeq: 10 });
    expect((await k.send(events.slice(20, 30))).body).toEqual({ acknowledgedSeq: 10 });
    expect(await chainOf(id)).toMatchObject({ acknowledgedSeq: 10, events: 20, gaps: [[11, 20]], chainOk: false });
    // The filler must link to both sides.
    expect((await k.send(events.slice(10, 20))).body).toEqual({ acknowledgedSeq: 30 });
    expect(await chainOf(id)).toMatchObject({ acknowledgedSeq: 30, events: 30, gaps: [], chainOk: true });
  });

  it('refuses forged batches with their code and stores nothing of them', async () => {
    const id = `K3-${backend.name}`;
    const k = await kiosk(centre, id);
    const events = chain(20);
    expect((await k.send(events.slice(0, 10))).body).toEqual({ acknowledgedSeq: 10 });
    const count = async () => (await chainOf(id)).events;

    const badHash = [...events.slice(10, 15), { ...events[15]!, data: { ...events[15]!.data, eligible: !events[15]!.data.eligible } }];
    expect(await k.send(badHash)).toMatchObject({ status: 400, body: { code: 'EVENT_HASH_INVALID' } });
    const wrongHashField = [{ ...events[10]!, hash: 'f'.repeat(64) }];
    expect(await k.send(wrongHashField)).toMatchObject({ status: 400, body: { code: 'EVENT_HASH_INVALID' } });
    // Properly hashed, but linked to nothing stored.
    const brokenLink = chain(3, 11, 'a'.repeat(64));
    expect(await k.send([...events.slice(10, 11).map((e) => ({ ...e })), ...brokenLink.slice(1)])).toMatchObject({ status: 409, body: { code: 'CHAIN_CONFLICT' } });
    expect(await k.send(brokenLink)).toMatchObject({ status: 409, body: { code: 'CHAIN_CONFLICT' } });
    // A stored seq replayed with other content (a whole other, self-consistent chain).
    const replayed = chain(12, 1, ZERO_HASH, 'other');
    expect(await k.send(replayed)).toMatchObject({ status: 409, body: { code: 'CHAIN_CONFLICT' } });
    // A gap-filler that links back but not forward.
    const ahead = events.slice(15, 20);
    expect((await k.send(ahead)).body).toEqual({ acknowledgedSeq: 10 });
    const forgedFiller = chain(5, 11, events[9]!.hash, 'forged');
    expect(await k.send(forgedFiller)).toMatchObject({ status: 409, body: { code: 'CHAIN_CONFLICT' } });
    expect(await count()).toBe(15);
    expect((await k.send(events.slice(10, 15))).body).toEqual({ acknowledgedSeq: 20 });
    expect(await count()).toBe(20);
  });

  it('refuses data beyond the bounds, unsafe integers, floats and bad times with 400, never 500', async () => {
    const id = `K4-${backend.name}`;
    const k = await kiosk(centre, id);
    const [first] = chain(1);
    const raw = (data: string, overrides = '') =>
      `{"events":[{"seq":1,"at":"${first!.at}","type":"check.decided","operator":null,"data":${data},"prevHash":"${ZERO_HASH}","hash":"${first!.hash}"${overrides}}]}`;
    const deep = '{"d":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    for (const body of [
      raw(deep),
      raw('{"x":1e300}'),
      raw('{"x":1.5}'),
      raw('{"x":9007199254740993}'),
      raw(`{"x":"${'y'.repeat(5000)}"}`),
      raw('[1]'),
      raw('{}').replace(`"at":"${first!.at}"`, '"at":"2020-13-01T00:00:00.000Z"'),
      raw('{}').replace(`"at":"${first!.at}"`, '"at":"yesterday, about noon"'),
      raw('{}').replace('"seq":1', '"seq":9007199254740993'),
      raw('{}').replace('"seq":1', '"seq":1.5'),
      raw('{}', ',"extra":1'),
    ]) {
      const reply = await k.post(body);
      expect(reply.status, body.slice(0, 120)).toBeGreaterThanOrEqual(400);
      expect(reply.status, body.slice(0, 120)).toBeLessThan(500);
      expect(['REQUEST_INVALID', 'BODY_TOO_LARGE', 'JSON_INVALID']).toContain(reply.body.code);
    }
    expect(await k.send([])).toMatchObject({ status: 400, body: { code: 'REQUEST_INVALID' } });
    expect(await k.send(chain(501))).toMatchObject({ status: 400, body: { code: 'REQUEST_INVALID' } });
    expect(await chainOf(id)).toMatchObject({ events: 0, acknowledgedSeq: 0 });
  });

  it('holds each kiosk to its quota with 429 and Retry-After, storing nothing of the batch past it', async () => {
    const quota = await startCentre(world, await backend.db('quota'), { eventQuota: { max: 25, windowMs: 3_600_000 } });
    try {
      const k = await kiosk(quota, 'Q1');
      const other = await kiosk(quota, 'Q2');
      const events = chain(40);
      expect((await k.send(events.slice(0, 20))).body).toEqual({ acknowledgedSeq: 20 });
      const over = await k.post({ events: events.slice(20, 30) });
      expect(over.status).toBe(429);
      expect(over.body.code).toBe('RATE_LIMITED');
      expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
      // A resend of stored events costs nothing; another kiosk has its own quota.
      expect((await k.send(events.slice(0, 20))).body).toEqual({ acknowledgedSeq: 20 });
      expect((await other.send(events.slice(0, 25))).body).toEqual({ acknowledgedSeq: 25 });
      expect((await quota.running.services.store.kioskChains()).find((c) => c.id === 'Q1')).toMatchObject({ events: 20 });
    } finally {
      await quota.running.close();
    }
  });

  it('answers a batch over the body limit with BODY_TOO_LARGE, which tells the kiosk\'s user what to do, in both languages', async () => {
    const small = await startCentre(world, await backend.db('body-limit'), { bodyLimit: 4096 });
    try {
      const client = await small.kiosk('BL1');
      const refused = await client.events(chain(40)).then(() => null, (error: unknown) => error as CapbuError);
      expect(refused?.code).toBe('BODY_TOO_LARGE');
      // The kiosk's line: the code's words from its own catalogue (the centre's limit does not travel).
      expect(translator('vi').error(refused!.code, refused!.details)).toMatch(/cập nhật capbu trên máy quầy này rồi chạy lại lệnh/);
      expect(translator('en').error(refused!.code, refused!.details)).toMatch(/update capbu on this kiosk and run the command again/);
      expect(translator('en').error('BODY_TOO_LARGE', { limit: 4096 })).toContain('(4096 bytes)');
      expect((await small.running.services.store.kioskChains()).find((c) => c.id === 'BL1')).toMatchObject({ events: 0 });
    } finally {
      await small.running.close();
    }
  });

  it('counts a kiosk\'s quota over a sliding hour: events received more than an hour ago no longer count', async () => {
    let now = NOW;
    const quota = await startCentre(world, await backend.db('quota-window'), { now: () => now, eventQuota: { max: 25, windowMs: 3_600_000 } });
    try {
      const k = await kiosk(quota, 'QW1');
      const events = chain(60);
      expect((await k.send(events.slice(0, 20))).body).toEqual({ acknowledgedSeq: 20 });
      now = new Date(NOW.getTime() + 30 * 60_000);
      expect((await k.send(events.slice(20, 30))).status).toBe(429);
      expect((await k.send(events.slice(20, 25))).body).toEqual({ acknowledgedSeq: 25 });
      // The first 20 left the window, the 5 from half an hour ago are still in it.
      now = new Date(NOW.getTime() + 61 * 60_000);
      expect((await k.send(events.slice(25, 46))).status).toBe(429);
      expect((await k.send(events.slice(25, 45))).body).toEqual({ acknowledgedSeq: 45 });
      expect(await (async () => (await quota.running.services.store.kioskChains()).find((c) => c.id === 'QW1'))()).toMatchObject({ events: 45, chainOk: true });
    } finally {
      await quota.running.close();
    }
  });

  it('stores a batch\'s decisions as one by one in order would: the first of the latest wins, each counted once', async () => {
    const k = await kiosk(centre, `D1-${backend.name}`, 'QN');
    const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
    // 150 decisions on 150 certificates (more than one statement's worth), the odd ones refused.
    const first = chain(150, 1, ZERO_HASH, `-d-${backend.name}`);
    expect((await k.send(first)).body).toEqual({ acknowledgedSeq: 150 });
    const refusedIn = async (province: string) => {
      const { buildReport } = await import('../../src/central/report.js');
      return (await buildReport(centre.running.services.store, world.campaigns, NOW)).byProvince.find((g) => g.key === province)?.refused;
    };
    expect(await refusedIn('QN')).toEqual({ NOT_CAPPED: 75 });
    // In one batch: c1 decided eligible later (it wins), then refused at that same instant (too late to win);
    // c3 decided eligible earlier than its stored decision (stays refused).
    const serial = (seq: number) => `c${seq}-d-${backend.name}`;
    const decided = (seq: number, prevHash: string, certificate: string, when: string, eligible: boolean) =>
      seal({ seq, at: when, type: 'check.decided', operator: null, data: { tokenSerial: 'T', certificateSerial: certificate, campaign: 'x', eligible, reasons: eligible ? [] : ['TAX_CODE_MISMATCH'] }, prevHash });
    const e1 = decided(151, first.at(-1)!.hash, serial(1), at(10_000), true);
    const e2 = decided(152, e1.hash, serial(1), at(10_000), false);
    const e3 = decided(153, e2.hash, serial(3), at(0), true);
    expect((await k.send([e1, e2, e3])).body).toEqual({ acknowledgedSeq: 153 });
    expect(await refusedIn('QN')).toEqual({ NOT_CAPPED: 74 });
  });

  it('counts refusals in the report from the latest check.decided of each certificate, per province', async () => {
    const a = await kiosk(centre, `R1-${backend.name}`, 'HG');
    const b = await kiosk(centre, `R2-${backend.name}`, 'HG');
    const decided = (seq: number, prevHash: string, serial: string, at: string, eligible: boolean) =>
      seal({ seq, at, type: 'check.decided', operator: null, data: { tokenSerial: 'T', certificateSerial: serial, campaign: 'x', eligible, reasons: eligible ? [] : ['TAX_CODE_MISMATCH'] }, prevHash });
    const a1 = decided(1, ZERO_HASH, 'r-cert-1', '2020-06-01T03:00:00.000Z', false);
    const a2 = decided(2, a1.hash, 'r-cert-2', '2020-06-01T03:00:00.000Z', false);
    const a3 = decided(3, a2.hash, 'r-cert-1', '2020-06-01T03:00:01.000Z', false);
    expect((await a.send([a1, a2, a3])).body).toEqual({ acknowledgedSeq: 3 });
    // Later, another kiosk finds r-cert-2 eligible: that decision wins.
    expect((await b.send([decided(1, ZERO_HASH, 'r-cert-2', '2020-06-01T04:00:00.000Z', true)])).body).toEqual({ acknowledgedSeq: 1 });
    const reply = await request(`${centre.url}/v1/report`);
    expect(reply.statusCode).toBeGreaterThanOrEqual(400); // the report is not a kiosk's to read without a credential
    await reply.body.dump();
    const { buildReport } = await import('../../src/central/report.js');
    const report = await buildReport(centre.running.services.store, world.campaigns, NOW);
    expect(report.byProvince.find((g) => g.key === 'HG')?.refused).toEqual({ TAX_CODE_MISMATCH: 1 });
    const line = report.kiosks.find((k) => k.id === `R1-${backend.name}`)!;
    expect(line).toMatchObject({ acknowledgedSeq: 3, events: 3, chainOk: true, notSyncedSeconds: 0 });
  });
});
