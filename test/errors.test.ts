/**
 * Bad input and broken hardware: each gets one line with a stable code and exit 2, never a stack
 * trace, and nothing is half-written.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { softHsmConfig } from '../src/demo/softhsm.js';
import { NOW, USER_PIN, makeWorld, type World } from './support/world.js';
import { CKR, TOKEN_FLAGS, buildShim } from './support/shim.js';

let world: World;
let shim: string;

function expectFailure(result: { code: number | null; stdout: string; stderr: string }, code: string): void {
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(new RegExp(`^capbu: ${code}: [^\\n]+\\n$`));
  expect(result.stderr).not.toMatch(/\bat .+:\d+:\d+/);
}

beforeAll(async () => {
  world = await makeWorld();
  shim = buildShim();
  await world.subscriberToken('customer', { commonName: 'Công ty A', taxCode: '0100000001' });
});

describe('campaign file', () => {
  const write = (name: string, content: string) => {
    const file = join(world.dir, 'campaign', name);
    writeFileSync(file, content);
    return file;
  };
  const good = () => JSON.parse(readFileSync(world.campaignPath, 'utf8')) as Record<string, string>;
  const check = (campaign: string) => world.capbu(['check', '--token', 'customer', '--campaign', campaign, '--now', NOW]);

  it('missing', async () => {
    expectFailure(await check(join(world.dir, 'nope.json')), 'CAMPAIGN_NOT_FOUND');
  });

  it('not JSON', async () => {
    expectFailure(await check(write('broken.json', '{"id": ')), 'CAMPAIGN_INVALID');
  });

  it('a field missing, a date that is not a date, an unknown time zone', async () => {
    const { capDate: _drop, ...rest } = good();
    expectFailure(await check(write('no-cap.json', JSON.stringify(rest))), 'CAMPAIGN_INVALID');
    expectFailure(await check(write('bad-date.json', JSON.stringify({ ...good(), issuedBefore: '2019-02-30' }))), 'CAMPAIGN_INVALID');
    const zone = await check(write('bad-zone.json', JSON.stringify({ ...good(), timeZone: 'Asia/Atlantis' })));
    expectFailure(zone, 'CAMPAIGN_INVALID');
    expect(zone.stderr).toContain('timeZone');
  });

  it('a CA path that does not exist', async () => {
    expectFailure(await check(write('no-ca.json', JSON.stringify({ ...good(), newCa: 'missing.pem' }))), 'CA_CERT_NOT_FOUND');
  });

  it('a CA file that holds no certificate', async () => {
    write('not-a-cert.pem', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    expectFailure(await check(write('junk-ca.json', JSON.stringify({ ...good(), oldCa: 'not-a-cert.pem' }))), 'CA_CERT_INVALID');
  });
});

describe('registry import', () => {
  const rows = () => {
    const file = join(world.env.CAPBU_HOME!, 'capbu.db');
    if (!existsSync(file)) return [];
    const db = new Database(file, { readonly: true });
    try {
      return db.prepare('SELECT serial, status FROM registry ORDER BY serial').all();
    } finally {
      db.close();
    }
  };

  it('refuses a file with bad rows whole, naming every bad line', async () => {
    const file = join(world.dir, 'bad.csv');
    writeFileSync(
      file,
      ['serial,taxCode,contractEnd,status,province', 'AB01,0101,2022-01-01,active,HN', 'xyz,0101,2022-01-01,active,HN',
        '00AB02,0102,2022-02-30,active,HN', 'ab03,0103,2022-01-01,closed,HN', 'ab01,0104,2022-01-01,active,HN'].join('\n'),
    );
    const before = rows();
    const result = await world.capbu(['registry', 'import', file]);
    expectFailure(result, 'REGISTRY_INVALID');
    expect(result.stderr).toContain('3:serial');
    expect(result.stderr).toContain('4:contractEnd');
    expect(result.stderr).toContain('5:status');
    expect(result.stderr).toContain('6:duplicate-of-line-2');
    expect(rows()).toEqual(before);
  });

  it('refuses a file with the wrong header', async () => {
    const file = join(world.dir, 'header.csv');
    writeFileSync(file, 'serial,mst,end,status\nab,1,2022-01-01,active\n');
    expectFailure(await world.capbu(['registry', 'import', file]), 'REGISTRY_INVALID');
  });

  it('imports, then a re-import updates the rows it names; serials match in any case and with leading zeros', async () => {
    const file = join(world.dir, 'good.csv');
    writeFileSync(file, 'serial,taxCode,contractEnd,status\n00CAFE,0101,2022-01-01,active\nbeef,0102,2022-01-01,active\n');
    expect((await world.capbu(['registry', 'import', file])).code).toBe(0);
    writeFileSync(file, 'serial,taxCode,contractEnd,status,province\ncafe,0101,2022-01-01,revoked,HCM\n');
    const again = await world.capbu(['registry', 'import', file]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('0 added, 1 updated');
    expect(rows()).toEqual(expect.arrayContaining([{ serial: 'cafe', status: 'revoked' }, { serial: 'beef', status: 'active' }]));
  });

  it('a missing file', async () => {
    expectFailure(await world.capbu(['registry', 'import', join(world.dir, 'none.csv')]), 'REGISTRY_NOT_FOUND');
  });
});

describe('module and tokens', () => {
  it('a module path that is not a PKCS#11 library', async () => {
    expectFailure(await world.capbu(['check', '--module', '/etc/passwd', '--now', NOW]), 'MODULE_LOAD_FAILED');
    expectFailure(await world.capbu(['tokens', '--module', '/nonexistent/lib.so']), 'MODULE_LOAD_FAILED');
  });

  it('no token plugged in', async () => {
    const empty = mkdtempSync(join(world.dir, 'empty-'));
    const none = await runWith({ SOFTHSM2_CONF: softHsmConfig(empty) }, ['check', '--now', NOW]);
    expectFailure(none, 'NO_TOKEN');
  });

  it('several tokens: lists them and stops', async () => {
    world.newToken('second');
    const result = await world.capbu(['check', '--now', NOW]);
    expectFailure(result, 'SEVERAL_TOKENS');
    expect(result.stderr).toContain('customer');
    expect(result.stderr).toContain('second');
    expectFailure(await world.capbu(['check', '--token', 'third', '--now', NOW]), 'TOKEN_NOT_FOUND');
  });

  it('a token pulled out mid-read', async () => {
    const result = await runWith(
      { CAPBU_PKCS11_MODULE: shim, CAPBU_SHIM_REMOVE_AFTER: '2' },
      ['check', '--token', 'customer', '--now', NOW],
    );
    expectFailure(result, 'TOKEN_REMOVED');
  });
});

describe('PIN', () => {
  const logFile = () => {
    const file = join(world.dir, `login-${Math.random()}.log`);
    writeFileSync(file, '');
    return file;
  };
  const logins = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean).length;

  it('a locked PIN stops before any login is tried', async () => {
    const log = logFile();
    const result = await runWith(
      { CAPBU_PKCS11_MODULE: shim, CAPBU_SHIM_TOKEN_FLAGS: String(TOKEN_FLAGS.locked), CAPBU_SHIM_LOGIN_LOG: log },
      ['check', '--token', 'customer', '--pin-stdin', '--now', NOW],
      USER_PIN,
    );
    expectFailure(result, 'PIN_LOCKED');
    expect(logins(log)).toBe(0);
  });

  it('a token that answers the login with CKR_PIN_LOCKED', async () => {
    const result = await runWith(
      { CAPBU_PKCS11_MODULE: shim, CAPBU_SHIM_LOGIN_RV: String(CKR.PIN_LOCKED) },
      ['check', '--token', 'customer', '--pin-stdin', '--now', NOW],
      USER_PIN,
    );
    expectFailure(result, 'PIN_LOCKED');
  });

  it('a wrong PIN is reported once and never retried', async () => {
    const log = logFile();
    const result = await runWith(
      { CAPBU_PKCS11_MODULE: shim, CAPBU_SHIM_LOGIN_LOG: log },
      ['check', '--token', 'customer', '--pin-stdin', '--now', NOW],
      '000000\n',
    );
    expectFailure(result, 'PIN_INCORRECT');
    expect(logins(log)).toBe(1);
    expect(result.stdout).toBe('');
  });

  it('on the final try, refuses to try without confirmation', async () => {
    const log = logFile();
    const env = { CAPBU_PKCS11_MODULE: shim, CAPBU_SHIM_TOKEN_FLAGS: String(TOKEN_FLAGS.finalTry), CAPBU_SHIM_LOGIN_LOG: log };
    const refused = await runWith(env, ['check', '--token', 'customer', '--pin-stdin', '--now', NOW], USER_PIN);
    expectFailure(refused, 'FINAL_TRY_NEEDS_CONFIRMATION');
    expect(logins(log)).toBe(0);
    const confirmed = await runWith(env, ['check', '--token', 'customer', '--pin-stdin', '--final-try', '--now', NOW], USER_PIN);
    // A warning (the registry copy's age) may be said; no error is.
    expect(confirmed.stderr).not.toMatch(/capbu: [A-Z_]+:/);
    expect(logins(log)).toBe(1);
  });

  it('a PIN typed with a Vietnamese input method on never reaches the token', async () => {
    const log = logFile();
    const result = await runWith(
      { CAPBU_PKCS11_MODULE: shim, CAPBU_SHIM_LOGIN_LOG: log },
      ['check', '--token', 'customer', '--pin-stdin', '--now', NOW],
      '12345ă\n',
    );
    expectFailure(result, 'PIN_INVALID');
    expect(logins(log)).toBe(0);
  });

  it('an empty PIN on standard input', async () => {
    expectFailure(await world.capbu(['check', '--token', 'customer', '--pin-stdin', '--now', NOW], ''), 'PIN_MISSING');
  });
});

describe('arguments', () => {
  it('an unknown command, an unknown option, a --now that is not a time', async () => {
    expectFailure(await world.capbu(['frobnicate']), 'USAGE');
    expectFailure(await world.capbu(['check', '--pin', '1234']), 'USAGE');
    expectFailure(await world.capbu(['check', '--now', 'yesterday']), 'CLOCK_INVALID');
  });
});

function runWith(env: NodeJS.ProcessEnv, args: string[], stdin?: string) {
  mkdirSync(world.env.CAPBU_HOME!, { recursive: true });
  return import('./support/cli.js').then(({ runCapbu }) => runCapbu(args, { env: { ...world.env, ...env }, stdin }));
}
