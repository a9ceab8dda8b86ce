/**
 * A renewal reports its steps as they happen, and a caller can stop it between steps where that
 * is safe: on real SoftHSM2 tokens against the real central service on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renew, type RenewalContext } from '../src/renewal/renew.js';
import type { RenewalStep, RenewalStepName } from '../src/renewal/steps.js';
import { Pin } from '../src/token/pin.js';
import { startTestCentre, type TestCentre } from './support/centre.js';
import { runCapbu } from './support/cli.js';
import { certificatesOn } from './support/independent-reader.js';
import { eligibleCustomer, renewalContextIn } from './support/renewal.js';
import { NOW, USER_PIN, makeWorld, type World } from './support/world.js';

let world: World;
let centre: TestCentre;
const DEAD = 'http://127.0.0.1:9';

beforeAll(async () => {
  world = await makeWorld();
  centre = await startTestCentre(world, new Date(NOW));
  writeFileSync(join(world.env.CAPBU_HOME!, 'settings.json'), JSON.stringify({ retryDelaysMs: [10, 20] }));
});

afterAll(async () => {
  await centre?.close();
});

const ask = (label: string) => ({ label, pin: new Pin(USER_PIN), finalTryConfirmed: false, operator: 'test' });

/** Renews with a listener that records every step and may act on one (cancel, say). */
async function watched(ctx: RenewalContext, label: string, onStep: (step: RenewalStep, stop: () => void) => void = () => {}) {
  const steps: RenewalStep[] = [];
  const stop = new AbortController();
  try {
    const outcome = await renew(ctx, ask(label), {
      signal: stop.signal,
      onStep: (step) => {
        steps.push(step);
        onStep(step, () => stop.abort());
      },
    });
    return { outcome, steps, error: null };
  } catch (error) {
    return { outcome: null, steps, error: error as { code?: string } };
  } finally {
    ctx.db.close();
  }
}

const started = (steps: RenewalStep[]) => steps.filter((s) => s.status === 'started').map((s) => s.name);
const last = (steps: RenewalStep[]) => steps.at(-1)!;
const at = (name: RenewalStepName, status: RenewalStep['status']) => (step: RenewalStep) => step.name === name && step.status === status;

describe('the steps of a renewal', () => {
  it('a renewal reports each step started, then done, with its time, and ends with done', async () => {
    const customer = await eligibleCustomer(world, centre, 'steps-happy');
    const { outcome, steps } = await watched(renewalContextIn(world), customer.label);
    expect(outcome?.status).toBe('renewed');
    expect(started(steps)).toEqual(['read', 'decide', 'pin', 'sign-request', 'send', 'receive', 'write', 'verify', 'remove-old']);
    for (let i = 0; i < steps.length - 1; i += 2) {
      expect(steps[i]).toEqual({ name: steps[i]!.name, status: 'started', ms: 0, ...(steps[i]!.name === 'send' ? { attempt: 1 } : {}) });
      expect(steps[i + 1]).toMatchObject({ name: steps[i]!.name, status: 'done' });
      expect(steps[i + 1]!.ms).toBeGreaterThanOrEqual(0);
    }
    expect(last(steps)).toMatchObject({ name: 'done', status: 'done' });
    expect(last(steps).ms).toBeGreaterThanOrEqual(steps.filter((s) => s.status === 'done' && s.name !== 'done').reduce((sum, s) => sum + s.ms, 0) - steps.length);
  });

  it('an unreachable centre shows each attempt and each wait, then queued', async () => {
    const customer = await eligibleCustomer(world, centre, 'steps-dead');
    const { outcome, steps } = await watched(renewalContextIn(world, DEAD), customer.label);
    expect(outcome?.status).toBe('pending');
    const reaching = steps.filter((s) => s.name === 'send' || s.name === 'wait');
    expect(reaching).toEqual([
      { name: 'send', status: 'started', ms: 0, attempt: 1 },
      expect.objectContaining({ name: 'send', status: 'failed', code: 'SERVER_UNREACHABLE', attempt: 1 }),
      { name: 'wait', status: 'started', ms: 0, attempt: 1, waitMs: 10 },
      expect.objectContaining({ name: 'wait', status: 'done', attempt: 1 }),
      { name: 'send', status: 'started', ms: 0, attempt: 2 },
      expect.objectContaining({ name: 'send', status: 'failed', code: 'SERVER_UNREACHABLE', attempt: 2 }),
      { name: 'wait', status: 'started', ms: 0, attempt: 2, waitMs: 20 },
      expect.objectContaining({ name: 'wait', status: 'done', attempt: 2 }),
      { name: 'send', status: 'started', ms: 0, attempt: 3 },
      expect.objectContaining({ name: 'send', status: 'failed', code: 'SERVER_UNREACHABLE', attempt: 3 }),
    ]);
    expect(last(steps)).toMatchObject({ name: 'queued', status: 'done' });
  });

  it('a resumed renewal skips what is done: after the queue, it starts again at send', async () => {
    const customer = await eligibleCustomer(world, centre, 'steps-resume');
    expect((await watched(renewalContextIn(world, DEAD), customer.label)).outcome?.status).toBe('pending');
    const { outcome, steps } = await watched(renewalContextIn(world), customer.label);
    expect(outcome?.status).toBe('renewed');
    expect(started(steps)).toEqual(['read', 'pin', 'send', 'receive', 'write', 'verify', 'remove-old']);
  });

  it('a certificate not eligible fails at decide with NOT_ELIGIBLE, and the PIN is never tried', async () => {
    await world.subscriberToken('steps-unknown', { commonName: 'CÔNG TY CHƯA ĐĂNG KÝ', taxCode: '0109999999' });
    const { outcome, steps } = await watched(renewalContextIn(world), 'steps-unknown');
    expect(outcome?.status).toBe('not-eligible');
    expect(started(steps)).toEqual(['read', 'decide']);
    expect(steps.find(at('decide', 'failed'))).toMatchObject({ code: 'NOT_ELIGIBLE' });
    expect(last(steps)).toMatchObject({ name: 'failed', status: 'failed', code: 'NOT_ELIGIBLE' });
  });

  it('an error fails its step and the renewal with its code', async () => {
    const customer = await eligibleCustomer(world, centre, 'steps-wrong-pin');
    const ctx = renewalContextIn(world);
    const steps: RenewalStep[] = [];
    await expect(renew(ctx, { ...ask(customer.label), pin: new Pin('wrong-pin') }, { onStep: (s) => steps.push(s) })).rejects.toMatchObject({ code: 'PIN_INCORRECT' });
    ctx.db.close();
    expect(steps.find(at('pin', 'failed'))).toMatchObject({ code: 'PIN_INCORRECT' });
    expect(last(steps)).toMatchObject({ name: 'failed', status: 'failed', code: 'PIN_INCORRECT' });
  });
});

describe('cancelling between steps', () => {
  it('before the request is signed: nothing sent, the token as it was, and the next renewal does it all', async () => {
    const customer = await eligibleCustomer(world, centre, 'cancel-pin');
    const { error, steps } = await watched(renewalContextIn(world), customer.label, (step, stop) => {
      if (step.name === 'pin' && step.status === 'done') stop();
    });
    expect(error?.code).toBe('CANCELLED');
    expect(started(steps)).toEqual(['read', 'decide', 'pin']);
    expect(last(steps)).toMatchObject({ name: 'failed', code: 'CANCELLED' });
    expect(centre.issuedFor(customer.serial)).toBe(0);
    expect(certificatesOn(world.env, customer.label, world.dir)).toHaveLength(1);
    const again = await watched(renewalContextIn(world), customer.label);
    expect(again.outcome?.status).toBe('renewed');
    expect(started(again.steps)).toContain('sign-request');
  });

  it('while waiting to retry: stops at once, and the journaled request is sent by the next renewal', async () => {
    const customer = await eligibleCustomer(world, centre, 'cancel-wait');
    writeFileSync(join(world.env.CAPBU_HOME!, 'settings.json'), JSON.stringify({ retryDelaysMs: [60_000] }));
    try {
      const began = Date.now();
      const { error, steps } = await watched(renewalContextIn(world, DEAD), customer.label, (step, stop) => {
        if (step.name === 'wait' && step.status === 'started') setTimeout(stop, 5);
      });
      expect(error?.code).toBe('CANCELLED');
      expect(Date.now() - began).toBeLessThan(30_000);
      expect(steps.find(at('wait', 'failed'))).toMatchObject({ code: 'CANCELLED' });
    } finally {
      writeFileSync(join(world.env.CAPBU_HOME!, 'settings.json'), JSON.stringify({ retryDelaysMs: [10, 20] }));
    }
    const again = await watched(renewalContextIn(world), customer.label);
    expect(again.outcome?.status).toBe('renewed');
    expect(started(again.steps)).not.toContain('sign-request');
    expect(centre.issuedFor(customer.serial)).toBe(1);
  });

  it('after the certificate is received: nothing written, and the next renewal writes it without asking again', async () => {
    const customer = await eligibleCustomer(world, centre, 'cancel-received');
    const { error } = await watched(renewalContextIn(world), customer.label, (step, stop) => {
      if (step.name === 'receive' && step.status === 'done') stop();
    });
    expect(error?.code).toBe('CANCELLED');
    expect(certificatesOn(world.env, customer.label, world.dir).map((c) => c.der.length)).toEqual([customer.der.length]);
    const again = await watched(renewalContextIn(world), customer.label);
    expect(again.outcome?.status).toBe('renewed');
    expect(started(again.steps)).toEqual(['read', 'pin', 'write', 'verify', 'remove-old']);
    expect(centre.issuedFor(customer.serial)).toBe(1);
  });

  it('once writing has started, a cancel is not honoured: the renewal finishes', async () => {
    const customer = await eligibleCustomer(world, centre, 'cancel-writing');
    const { outcome, steps } = await watched(renewalContextIn(world), customer.label, (step, stop) => {
      if (step.name === 'write' && step.status === 'started') stop();
    });
    expect(outcome?.status).toBe('renewed');
    expect(last(steps)).toMatchObject({ name: 'done', status: 'done' });
    expect(certificatesOn(world.env, customer.label, world.dir)).toHaveLength(1);
  });
});

describe('capbu renew prints the steps', () => {
  it('one line per step on standard error, in the chosen language; none with --json', async () => {
    const customer = await eligibleCustomer(world, centre, 'steps-cli');
    const human = await runCapbu(['renew', '--token', customer.label, '--pin-stdin', '--now', NOW, '--lang', 'vi', '--server', DEAD], {
      env: world.env,
      stdin: USER_PIN,
    });
    expect(human.code).toBe(3);
    const lines = human.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Đọc USB token… xong \(\d+ ms\)$/);
    expect(lines).toContainEqual(expect.stringMatching(/^Gửi yêu cầu tới hệ thống trung tâm \(lần 2\)… không thành công \(SERVER_UNREACHABLE\)$/));
    expect(lines).toContainEqual(expect.stringMatching(/^Chưa kết nối được; chờ 10 ms rồi gửi lại… xong/));
    expect(lines.at(-1)).toMatch(/^Đã lưu, sẽ gửi khi có kết nối \(sau [\d,]+ (ms|giây)\)\.$/);
    const json = await runCapbu(['renew', '--token', customer.label, '--pin-stdin', '--now', NOW, '--json'], { env: world.env, stdin: USER_PIN });
    expect(json.code).toBe(0);
    expect(json.stderr).toBe('');
  });
});

describe('capbu check after a renewal (issue 11 point 12)', () => {
  it('says when it was renewed and until when, and --json marks the certificate renewed', async () => {
    const customer = await eligibleCustomer(world, centre, 'check-renewed');
    expect((await watched(renewalContextIn(world), customer.label)).outcome?.status).toBe('renewed');
    const human = await runCapbu(['check', '--token', customer.label, '--now', NOW, '--lang', 'vi'], { env: world.env });
    expect(human.stdout).toContain(`Đã cấp bù ngày 01/06/2020 (thay cho chứng thư số ${customer.serial}), có hiệu lực đến hết ngày 01/03/2022.`);
    expect(human.stdout).not.toContain('KHÔNG đủ điều kiện');
    expect(human.stdout).not.toContain('UNKNOWN_SUBSCRIBER');
    expect(human.stdout).not.toContain('Chứng thư số sẽ được cấp bù');
    const json = await runCapbu(['check', '--token', customer.label, '--now', NOW, '--json'], { env: world.env });
    const [certificate] = JSON.parse(json.stdout).certificates;
    expect(certificate.renewed).toEqual({ oldSerial: customer.serial, at: NOW });
  });
});
