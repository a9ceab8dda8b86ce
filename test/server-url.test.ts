/**
 * Issue 10 point 11: a malformed `--server` is the operator's mistake (USAGE, exit 2), never
 * "unreachable, queued": only http and https, no credentials in the URL, https unless loopback.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startTestCentre, type TestCentre } from './support/centre.js';
import { runCapbu } from './support/cli.js';
import { eligibleCustomer } from './support/renewal.js';
import { NOW, USER_PIN, makeWorld, type World } from './support/world.js';

let world: World;
let centre: TestCentre;

const BAD = [
  'not a url',
  'javascript:alert(1)',
  'file:///etc/passwd',
  'http://[::1',
  'ftp://127.0.0.1/',
  'http://kiosk:secret@127.0.0.1:8440',
  'https://user@capbu.example.vn',
  'http://capbu.example.vn',
  'http://10.0.0.1:8440',
];

beforeAll(async () => {
  world = await makeWorld();
  centre = await startTestCentre(world, new Date(NOW));
});

afterAll(async () => {
  await centre?.close();
});

function expectUsage(result: { code: number | null; stderr: string; stdout: string }, url: string): void {
  expect(result.code, url).toBe(2);
  expect(result.stderr, url).toMatch(/^capbu: USAGE: --server [^\n]+\n$/);
  expect(result.stdout, url).toBe('');
}

it('enroll refuses each malformed URL without spending the code, then enrols with a good one', async () => {
  const added = await world.capbu(['central', 'kiosk', 'add', '--id', 'URL-01', '--province', 'HN', '--channel', 'field', '--db', centre.db]);
  const code = added.stdout.trim().split('\n').at(-1)!;
  const env = { ...world.env, CAPBU_HOME: mkdtempSync(join(world.dir, 'url-home-')) };
  for (const url of BAD) expectUsage(await runCapbu(['enroll', '--server', url, '--code', code], { env }), url);
  const enrolled = await runCapbu(['enroll', '--server', centre.url, '--code', code], { env });
  expect(enrolled.stderr).toBe('');
  expect(enrolled.code).toBe(0);
}, 180_000);

it('renew refuses a malformed --server before anything is signed or queued', async () => {
  const customer = await eligibleCustomer(world, centre, 'bad-url');
  const renew = (url: string) =>
    runCapbu(['renew', '--token', customer.label, '--pin-stdin', '--server', url, '--now', NOW], { env: world.env, stdin: `${USER_PIN}\n` });
  for (const url of BAD) expectUsage(await renew(url), url);
  const store = new Database(join(world.env.CAPBU_HOME!, 'capbu.db'), { readonly: true });
  try {
    expect(store.prepare('SELECT COUNT(*) FROM renewals WHERE old_serial = ?').pluck().get(customer.serial)).toBe(0);
  } finally {
    store.close();
  }
  expect(centre.issuedFor(customer.serial)).toBe(0);
  // Loopback over plain http is fine: the same renewal goes through.
  const renewed = await renew(`${centre.url}/`);
  // Standard error carries the renewal's steps (issue 11 point 7), and no error.
  expect(renewed.stderr).not.toMatch(/^capbu: /m);
  expect(renewed.code).toBe(0);
}, 180_000);

it('sync refuses a malformed --server', async () => {
  for (const url of BAD) expectUsage(await runCapbu(['sync', '--server', url, '--now', NOW], { env: world.env }), url);
}, 180_000);

it('says what is wrong in Vietnamese too', async () => {
  const result = await runCapbu(['sync', '--server', 'http://capbu.example.vn', '--lang', 'vi'], { env: world.env });
  expect(result.stderr).toContain('phải dùng https://');
});
