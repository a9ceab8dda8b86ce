/**
 * Issue 10 point 16: a kiosk store with junk pages, one cut to zero bytes, or one from a newer
 * capbu is STORE_FAILED with what to do — for `check` as for the commands that write — and
 * nothing is written to it.
 */
import { beforeAll, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, openSync, readFileSync, closeSync, statSync, truncateSync, writeSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { SubscriberRecord } from '../src/campaign/registry.js';
import { registryCsv } from '../src/demo/campaign-files.js';
import { runCapbu } from './support/cli.js';
import { NOW, makeWorld, type World } from './support/world.js';
import { writeFileSync } from 'node:fs';

let world: World;
/** A data directory holding a store with a registry of a few thousand rows, left untouched. */
let pristine: string;
let registryFile: string;

beforeAll(async () => {
  world = await makeWorld();
  const { serial } = await world.subscriberToken('damage', { commonName: 'CÔNG TY KHO HỎNG', taxCode: '0109999999' });
  const rows: SubscriberRecord[] = Array.from({ length: 3000 }, (_, i) => ({
    serial: (0x10000000 + i).toString(16),
    taxCode: String(200000000 + i),
    contractEnd: '2022-03-01',
    status: 'active',
    province: 'HN',
  }));
  rows.push({ serial, taxCode: '0109999999', contractEnd: '2022-03-01', status: 'active', province: 'HN' });
  registryFile = join(world.dir, 'registry.csv');
  writeFileSync(registryFile, registryCsv(rows));
  expect((await world.capbu(['registry', 'import', registryFile])).code).toBe(0);
  pristine = world.env.CAPBU_HOME!;
});

/** A copy of the pristine data directory, damaged by `harm`. */
function damagedHome(harm: (store: string) => void): { home: string; store: string } {
  const home = mkdtempSync(join(world.dir, 'home-'));
  cpSync(pristine, home, { recursive: true });
  const store = join(home, 'capbu.db');
  harm(store);
  return { home, store };
}

const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

function overwrite(file: string, offset: number, bytes: Buffer): void {
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, bytes, 0, bytes.length, offset);
  } finally {
    closeSync(fd);
  }
}

/** `check` (reads) and `registry import` (writes) both stop with `message`, and the file stays as it was. */
async function expectRefused(home: string, store: string, message: RegExp): Promise<void> {
  const before = digest(store);
  const env = { ...world.env, CAPBU_HOME: home };
  for (const args of [['check', '--token', 'damage', '--now', NOW], ['registry', 'import', registryFile], ['check', '--token', 'damage', '--lang', 'vi']]) {
    const result = await runCapbu(args, { env });
    expect(result.code, args.join(' ')).toBe(2);
    expect(result.stdout, args.join(' ')).toBe('');
    expect(result.stderr, args.join(' ')).toMatch(message);
    expect(result.stderr.split('\n')).toHaveLength(2);
  }
  expect(digest(store)).toBe(before);
  expect(statSync(`${store}-wal`, { throwIfNoEntry: false })?.size ?? 0).toBe(0);
}

it('the pristine store passes, and check decides from it', async () => {
  const { home } = damagedHome(() => undefined);
  for (let i = 0; i < 2; i++) {
    const result = await runCapbu(['check', '--token', 'damage', '--now', NOW, '--json'], { env: { ...world.env, CAPBU_HOME: home } });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout).certificates[0].decision.eligible).toBe(true);
  }
});

it('junk over pages in the middle: STORE_FAILED damaged, for check too', async () => {
  const { home, store } = damagedHome((file) => {
    const pages = statSync(file).size / 4096;
    expect(pages).toBeGreaterThan(20);
    for (const page of [Math.floor(pages / 2), pages - 3]) overwrite(file, page * 4096, randomBytes(4096));
  });
  await expectRefused(home, store, /^capbu: STORE_FAILED: (the kiosk store .* is damaged; nothing was written to it\. Keep the file, restore the store from the backup|kho dữ liệu của máy quầy .* bị hỏng; chưa ghi gì vào đó)/);
});

it('junk over the header: STORE_FAILED damaged', async () => {
  const { home, store } = damagedHome((file) => overwrite(file, 0, randomBytes(100)));
  await expectRefused(home, store, /^capbu: STORE_FAILED: (the kiosk store .* is damaged|kho dữ liệu của máy quầy .* bị hỏng)/);
});

it('a store cut to zero bytes is not taken for a new one', async () => {
  const { home, store } = damagedHome((file) => truncateSync(file, 0));
  await expectRefused(home, store, /^capbu: STORE_FAILED: (the kiosk store .* is empty \(0 bytes\): its journal and registry copy are gone; nothing was written to it\. Restore the store from the backup|kho dữ liệu của máy quầy .* trống \(0 byte\))/);
  expect(statSync(store).size).toBe(0);
});

it('a store from a newer capbu is refused, naming both versions', async () => {
  const { home, store } = damagedHome((file) => {
    const db = new Database(file);
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'from-the-future', '2030-01-01T00:00:00Z')").run();
    db.pragma('user_version = 99');
    db.close();
  });
  await expectRefused(home, store, /^capbu: STORE_FAILED: (the kiosk store .* is at schema version 99, newer than this capbu knows \(\d+\); nothing was written to it\. Update capbu, or restore the backup|kho dữ liệu của máy quầy .* phiên bản cấu trúc 99)/);
});

it('a new data directory gets a whole store at once, never an empty file', async () => {
  const home = mkdtempSync(join(world.dir, 'fresh-'));
  const result = await runCapbu(['check', '--token', 'damage', '--now', NOW], { env: { ...world.env, CAPBU_HOME: home } });
  // A fresh kiosk has no registry copy yet: it is warned about, and nothing fails.
  expect(result.stderr).not.toMatch(/capbu: [A-Z_]+:/);
  expect(statSync(join(home, 'capbu.db')).size).toBeGreaterThan(0);
  expect(readdirSync(home).filter((f) => f.includes('.new'))).toEqual([]);
  expect(existsSync(join(home, 'capbu.db'))).toBe(true);
});
