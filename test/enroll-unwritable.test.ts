/**
 * Issue 10 point 10 (the kiosk's side): enrolling into a data directory capbu cannot write stops
 * with STORE_FAILED before the one-time code is spent, so the same code enrols once it is fixed.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';

/** What enrolment itself left in the data directory: the store and settings belong to the journal of the command. */
const enrolmentFiles = (home: string) => readdirSync(home).filter((f) => !/^(capbu\.db.*|settings\.json)$/.test(f));
import { join } from 'node:path';
import { startTestCentre, type TestCentre } from './support/centre.js';
import { runCapbu } from './support/cli.js';
import { NOW, makeWorld, type World } from './support/world.js';

let world: World;
let centre: TestCentre;
let n = 0;

beforeAll(async () => {
  world = await makeWorld();
  centre = await startTestCentre(world, new Date(NOW));
});

afterAll(async () => {
  await centre?.close();
});

async function newCode(): Promise<string> {
  const added = await world.capbu(['central', 'kiosk', 'add', '--id', `UNWRITABLE-${++n}`, '--province', 'HN', '--channel', 'counter', '--db', centre.db]);
  expect(added.code).toBe(0);
  return added.stdout.trim().split('\n').at(-1)!;
}

const enroll = (home: string, code: string) => runCapbu(['enroll', '--server', centre.url, '--code', code], { env: { ...world.env, CAPBU_HOME: home } });

/** Root ignores modes: an immutable directory is one root cannot write either. */
function setWritable(dir: string, writable: boolean): void {
  if (process.getuid?.() === 0) execFileSync('chattr', [writable ? '-i' : '+i', dir]);
  else chmodSync(dir, writable ? 0o700 : 0o500);
}

function expectStoreFailed(result: { code: number | null; stderr: string; stdout: string }, home: string): void {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toBe(
    `capbu: STORE_FAILED: cannot write in the kiosk's data directory ${home}; give capbu's user write access to it, then try again (nothing was sent to the central service)\n`,
  );
}

it('a data directory that cannot be written: STORE_FAILED, the code kept; the same code enrols once it is fixed', async () => {
  const code = await newCode();
  const home = join(world.dir, 'read-only-home');
  mkdirSync(home);
  setWritable(home, false);
  try {
    expectStoreFailed(await enroll(home, code), home);
    expect(enrolmentFiles(home)).toEqual([]);
  } finally {
    setWritable(home, true);
  }
  const enrolled = await enroll(home, code);
  expect(enrolled.stderr).toBe('');
  expect(enrolled.code).toBe(0);
  expect(statSync(join(home, 'central-credential.json')).mode & 0o777).toBe(0o600);
  expect(enrolmentFiles(home)).toEqual(['central-credential.json']);
});

it('a data directory under a file, or a directory where the credential goes: the same, code kept', async () => {
  const code = await newCode();
  const blocker = join(world.dir, 'a-file');
  writeFileSync(blocker, 'not a directory');
  expectStoreFailed(await enroll(join(blocker, 'home'), code), join(blocker, 'home'));

  const home = join(world.dir, 'credential-is-a-directory');
  mkdirSync(join(home, 'central-credential.json'), { recursive: true });
  expectStoreFailed(await enroll(home, code), home);
  expect(enrolmentFiles(home)).toEqual(['central-credential.json']);

  const fixed = join(world.dir, 'fixed-home');
  const enrolled = await enroll(fixed, code);
  expect(enrolled.stderr).toBe('');
  expect(existsSync(join(fixed, 'central-credential.json'))).toBe(true);
});

it('a refused code leaves nothing behind in the data directory', async () => {
  const home = join(world.dir, 'refused-home');
  const refused = await enroll(home, 'AAAA-BBBB-CCCC-DDDD-EEEE');
  expect(refused.stderr).toMatch(/^capbu: ENROLMENT_CODE_INVALID: /);
  expect(enrolmentFiles(home)).toEqual([]);
});
