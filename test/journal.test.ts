/**
 * The kiosk's journal: hashes as an outside auditor recomputes them (two independent JCS
 * implementations), every kind of tampering found by `capbu journal verify`, events written with
 * the actions they record, and the bounds on what an event may carry.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { canonicalize as otherJcs } from 'json-canonicalize';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dataProblem, eventHash, isEventTime, ZERO_HASH, type JournalEvent } from '../src/journal/format.js';
import { appendEvent } from '../src/store/journal.js';
import { openStore } from '../src/store/store.js';
import { runCapbu } from './support/cli.js';
import { NOW, makeWorld, type World } from './support/world.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Python's json module, sorting keys, as the auditor's second opinion on every line. */
function pythonHashes(lines: readonly string[]): string[] {
  const script = [
    'import sys, json, hashlib',
    'for line in sys.stdin.read().split("\\n"):',
    '    e = json.loads(line)',
    '    e.pop("hash")',
    '    text = json.dumps(e, sort_keys=True, separators=(",", ":"), ensure_ascii=False)',
    '    print(hashlib.sha256(text.encode("utf-8")).hexdigest())',
  ].join('\n');
  return execFileSync('python3', ['-c', script], { input: lines.join('\n') }).toString().trim().split('\n');
}

/** A data directory with `n` varied events in its journal. */
function journalWith(n: number): string {
  const home = mkdtempSync(join(tmpdir(), 'capbu-journal-'));
  const db = openStore(home);
  const texts = ['CÔNG TY TNHH MỘT THÀNH VIÊN ĐẦU TƯ', 'tab\tnew line\n"quoted" \\ back', '\u0001\u001f\u007f', 'emoji 🚀 and ✓', '\u2028\u2029', ''];
  for (let i = 0; i < n; i++) {
    appendEvent(db, {
      type: 'check.decided',
      operator: i % 3 === 0 ? null : `nhân viên ${i}`,
      data: {
        tokenSerial: texts[i % texts.length]!,
        certificateSerial: (0x1000 + i).toString(16),
        campaign: 'viettel-ca-2020',
        eligible: i % 2 === 0,
        reasons: i % 2 === 0 ? [] : ['NOT_CAPPED', 'TAX_CODE_MISMATCH'],
      },
      at: new Date(Date.UTC(2020, 5, 1, 3, 0, 0, i)),
    });
  }
  appendEvent(db, { type: 'pin.failed', operator: 'lan', data: { tokenSerial: 'T1', token: null, kioskRemaining: -0 + 4 }, at: new Date(NOW) });
  appendEvent(db, { type: 'registry.pulled', operator: null, data: { rows: 9_007_199_254_740_991, version: -17 }, at: new Date(NOW) });
  db.close();
  return home;
}

const capbuIn = (home: string, args: string[]) => runCapbu(args, { env: { CAPBU_HOME: home, CAPBU_LANG: 'en' } });

function tamper(home: string, change: (db: Database.Database) => void): void {
  const db = new Database(join(home, 'capbu.db'));
  db.exec('DROP TRIGGER journal_no_update; DROP TRIGGER journal_no_delete;');
  change(db);
  db.close();
}

async function verdict(home: string) {
  const result = await capbuIn(home, ['journal', 'verify', '--json']);
  return { code: result.code, ...(JSON.parse(result.stdout) as { ok: boolean; events: number; firstBad: number | null; problem: string | null }) };
}

// One world per file: SoftHSM2 reads its configuration once per process.
let world: World;
beforeAll(async () => {
  world = await makeWorld();
});

describe('hashes', () => {
  it('match two independent JCS implementations and Python, line by line, on what `capbu journal --json` prints', async () => {
    const home = journalWith(30);
    const result = await capbuIn(home, ['journal', '--json']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(32);
    const events = lines.map((l) => JSON.parse(l) as JournalEvent);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
    expect(pythonHashes(lines)).toEqual(events.map((e) => e.hash));
    events.forEach((e, i) => {
      const { hash, ...unsealed } = e;
      expect(sha256(otherJcs(unsealed))).toBe(hash);
      expect(eventHash(unsealed)).toBe(hash);
      expect(e.prevHash).toBe(i === 0 ? ZERO_HASH : events[i - 1]!.hash);
      expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
      // Each line is the event's own canonical form: what was hashed, plus its hash.
      expect(lines[i]).toBe(otherJcs(e));
      expect(Object.keys(e).sort()).toEqual(['at', 'data', 'hash', 'operator', 'prevHash', 'seq', 'type']);
    });
  });

  it('pages with --since and --limit, and prints a table in the campaign zone', async () => {
    const home = journalWith(5);
    const page = await capbuIn(home, ['journal', '--json', '--since', '2', '--limit', '2']);
    expect(page.stdout.trim().split('\n').map((l) => JSON.parse(l).seq)).toEqual([3, 4]);
    expect((await capbuIn(home, ['journal', '--limit', 'x'])).stderr).toMatch(/^capbu: USAGE: --limit takes a whole number/);
    const table = await runCapbu(['journal'], { env: { ...world.env, CAPBU_HOME: home } });
    expect(table.code).toBe(0);
    // 03:00:00Z is 10:00 in Asia/Ho_Chi_Minh.
    expect(table.stdout).toContain('01/06/2020 10:00  check.decided');
    expect(table.stdout).toContain('not eligible (NOT_CAPPED, TAX_CODE_MISMATCH)');
    expect(table.stdout).toContain('wrong PIN on token T1; 4 tries left');
    const vi = await runCapbu(['journal', '--lang', 'vi'], { env: { ...world.env, CAPBU_HOME: home } });
    expect(vi.stdout).toContain('không thuộc diện cấp bù (NOT_CAPPED, TAX_CODE_MISMATCH)');
  });
});

describe('capbu journal verify', () => {
  it('passes an intact journal, and an empty one', async () => {
    expect(await verdict(journalWith(10))).toEqual({ code: 0, ok: true, events: 12, firstBad: null, problem: null });
    expect(await verdict(journalWith(0))).toMatchObject({ code: 0, ok: true, events: 2 });
    const text = await capbuIn(journalWith(3), ['journal', 'verify']);
    expect(text.stdout).toMatch(/^Journal intact: 5 events/);
  });

  it('finds an edited event', async () => {
    const home = journalWith(10);
    tamper(home, (db) => db.prepare(`UPDATE journal SET data = json_set(data, '$.eligible', json('true')) WHERE seq = 4`).run());
    expect(await verdict(home)).toEqual({ code: 1, ok: false, events: 12, firstBad: 4, problem: 'edited' });
    const text = await capbuIn(home, ['journal', 'verify']);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/BROKEN at event 4: its content no longer matches its hash \(edited\)/);
  });

  it('finds an edited operator, time, type or hash, and data that no longer parses', async () => {
    for (const set of [`operator = 'someone'`, `at = '2020-06-01T03:00:00.999Z'`, `type = 'error'`, `hash = '${'a'.repeat(64)}'`, `data = '{"eligible":'`]) {
      const home = journalWith(6);
      tamper(home, (db) => db.prepare(`UPDATE journal SET ${set} WHERE seq = 5`).run());
      expect(await verdict(home), set).toMatchObject({ code: 1, firstBad: 5, problem: 'edited' });
    }
  });

  it('finds a deleted event, with or without the rest renumbered', async () => {
    const plain = journalWith(10);
    tamper(plain, (db) => db.prepare('DELETE FROM journal WHERE seq = 6').run());
    expect(await verdict(plain)).toMatchObject({ code: 1, firstBad: 6, problem: 'missing' });

    const renumbered = journalWith(10);
    tamper(renumbered, (db) => {
      db.prepare('DELETE FROM journal WHERE seq = 6').run();
      db.prepare('UPDATE journal SET seq = -seq WHERE seq > 6').run();
      db.prepare('UPDATE journal SET seq = -seq - 1 WHERE seq < 0').run();
    });
    expect(await verdict(renumbered)).toMatchObject({ code: 1, firstBad: 6, problem: 'missing' });
  });

  it('finds the last events cut off after the centre acknowledged them', async () => {
    const home = journalWith(10);
    tamper(home, (db) => {
      db.prepare('UPDATE journal_sync SET acknowledged_seq = 12').run();
      db.prepare('DELETE FROM journal WHERE seq > 9').run();
    });
    expect(await verdict(home)).toMatchObject({ code: 1, firstBad: 10, problem: 'missing' });
  });

  it('finds an inserted event: forged with a proper hash and link, or appended with a broken link', async () => {
    const forged = journalWith(10);
    tamper(forged, (db) => {
      const before = db.prepare('SELECT * FROM journal WHERE seq = 4').get() as { hash: string };
      db.prepare('UPDATE journal SET seq = -seq WHERE seq >= 5').run();
      db.prepare('UPDATE journal SET seq = -seq + 1 WHERE seq < 0').run();
      const fake = { seq: 5, at: '2020-06-01T03:00:00.000Z', type: 'check.decided', operator: null, data: { eligible: true }, prevHash: before.hash };
      db.prepare('INSERT INTO journal (seq, at, type, operator, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
        5, fake.at, fake.type, null, JSON.stringify(fake.data), fake.prevHash, eventHash(fake),
      );
    });
    expect(await verdict(forged)).toMatchObject({ code: 1, firstBad: 5, problem: 'inserted' });

    const appended = journalWith(10);
    tamper(appended, (db) => {
      const fake = { seq: 13, at: '2020-06-01T03:00:00.000Z', type: 'error', operator: null, data: { command: 'x', code: 'USAGE' }, prevHash: 'b'.repeat(64) };
      db.prepare('INSERT INTO journal (seq, at, type, operator, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
        13, fake.at, fake.type, null, JSON.stringify(fake.data), fake.prevHash, eventHash(fake),
      );
    });
    expect(await verdict(appended)).toMatchObject({ code: 1, firstBad: 13, problem: 'inserted' });
  });

  it('finds events written out of order', async () => {
    const home = journalWith(10);
    tamper(home, (db) => {
      const rows = db.prepare('SELECT seq, at, type, operator, data, prev_hash, hash FROM journal WHERE seq IN (7, 8) ORDER BY seq').all() as Record<string, unknown>[];
      db.prepare('DELETE FROM journal WHERE seq >= 7').run();
      const insert = db.prepare('INSERT INTO journal (seq, at, type, operator, data, prev_hash, hash) VALUES (@seq, @at, @type, @operator, @data, @prev_hash, @hash)');
      insert.run(rows[1]);
      insert.run(rows[0]);
    });
    expect(await verdict(home)).toMatchObject({ code: 1, firstBad: 7, problem: 'out-of-order' });
  });

  it('exits 2 on a store it cannot read', async () => {
    const home = journalWith(3);
    tamper(home, (db) => db.exec('DROP TABLE journal'));
    const result = await capbuIn(home, ['journal', 'verify', '--json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^capbu: [A-Z_]+: /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('what is journaled, in the same transaction as what it records', () => {
  // Each test reads the journal of a kiosk of its own.
  beforeEach(() => {
    world.newHome();
  });

  const events = async () => (await world.capbu(['journal', '--json'])).stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as JournalEvent);

  it('journals a registry import, each decision of a check, and a command that failed', async () => {
    const { serial } = await world.subscriberToken('customer', { commonName: 'CÔNG TY CỔ PHẦN NHẬT KÝ', taxCode: '0100000001' });
    expect((await world.importRegistry([{ serial, taxCode: '0100000001', contractEnd: '2022-06-30', status: 'active', province: 'HN' }])).code).toBe(0);
    expect((await world.capbu(['check', '--token', 'customer', '--now', NOW])).code).toBe(0);
    expect((await world.capbu(['check', '--token', 'nobody', '--now', NOW])).code).toBe(2);
    const seen = await events();
    expect(seen.map((e) => e.type)).toEqual(['registry.imported', 'check.decided', 'error']);
    expect(seen[0]!.data).toEqual({ rows: 1, added: 1, updated: 0, version: null });
    expect(seen[1]!.data).toEqual({ tokenSerial: expect.any(String), certificateSerial: serial, campaign: expect.any(String), eligible: true, reasons: [] });
    expect(seen[2]!.data).toEqual({ command: 'check', code: 'TOKEN_NOT_FOUND' });
    expect(seen[1]!.operator).toEqual(expect.any(String));
    expect((await world.capbu(['journal', 'verify'])).code).toBe(0);
  });

  it('leaves nothing behind when the registry import is refused', async () => {
    const file = join(world.dir, 'bad.csv');
    writeFileSync(file, 'serial,taxCode,contractEnd,status,province\nzz,1,2022-13-40,active,HN\n');
    expect((await world.capbu(['registry', 'import', file])).code).toBe(2);
    // Only the failure: no registry.imported, no row of the file.
    expect((await events()).map((e) => e.type)).toEqual(['error']);
    expect((await events())[0]).toMatchObject({ type: 'error', data: { command: 'registry', code: 'REGISTRY_INVALID' } });
    const db = new Database(join(world.env.CAPBU_HOME!, 'capbu.db'), { readonly: true });
    expect(db.prepare('SELECT COUNT(*) FROM registry').pluck().get()).toBe(0);
    db.close();
  });
});

describe('bounds on event data (issue 10, point 15)', () => {
  it('refuses deep nesting without exhausting the stack, floats, unsafe integers, bad strings and oversized data', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    expect(dataProblem(deep)).toMatch(/nested deeper than 8/);
    expect(dataProblem({ x: 1e300 })).toMatch(/not an integer/);
    expect(dataProblem({ x: 1.5 })).toMatch(/not an integer/);
    expect(dataProblem({ x: 2 ** 53 })).toMatch(/not an integer/);
    expect(dataProblem({ x: JSON.parse('9007199254740993') })).toMatch(/not an integer/);
    expect(dataProblem({ x: Number.MAX_SAFE_INTEGER, y: -Number.MAX_SAFE_INTEGER })).toBeNull();
    expect(dataProblem({ x: '\ud800' })).toMatch(/not valid Unicode/);
    expect(dataProblem({ x: 'x'.repeat(5_000) })).toMatch(/longer than 4096/);
    expect(dataProblem({ x: Array.from({ length: 2_000 }, () => 1) })).toMatch(/more than 1000 values/);
    expect(dataProblem({ x: Array.from({ length: 10 }, () => 'y'.repeat(4_000)) })).toMatch(/longer than 16384/);
    expect(dataProblem([1])).toMatch(/not an object/);
    expect(dataProblem(null)).toMatch(/not an object/);
    expect(dataProblem({ nested: { list: [1, 'two', true, null, { three: [] }] } })).toBeNull();
  });

  it('takes times only as toISOString writes real instants', () => {
    expect(isEventTime('2026-12-01T03:04:05.678Z')).toBe(true);
    for (const bad of ['2026-13-01T03:04:05.678Z', '2026-02-30T03:04:05.678Z', '2026-12-01T03:04:05Z', '2026-12-01T03:04:05.678+07:00', 'yesterday', '2026-12-01T24:00:00.000Z']) {
      expect(isEventTime(bad), bad).toBe(false);
    }
  });

  it('agrees with a round trip through Date on every day, leap years and the bounds of each field', () => {
    const p = (n: number, width: number) => String(n).padStart(width, '0');
    const roundTrip = (at: string) => {
      const parsed = new Date(at);
      return !Number.isNaN(parsed.getTime()) && parsed.toISOString() === at;
    };
    let checked = 0;
    for (const year of [0, 1900, 2000, 2024, 2026, 2100, 9999]) {
      for (let month = 0; month <= 13; month++) {
        for (let day = 0; day <= 32; day++) {
          for (const time of ['00:00:00.000', '23:59:59.999', '24:00:00.000', '12:60:00.000', '12:00:60.000']) {
            const at = `${p(year, 4)}-${p(month, 2)}-${p(day, 2)}T${time}Z`;
            expect(isEventTime(at), at).toBe(roundTrip(at));
            checked += isEventTime(at) ? 1 : 0;
          }
        }
      }
    }
    // Each year's real days (0, 2000 and 2024 are leap years), twice a day: midnight and the last millisecond.
    expect(checked).toBe(2 * (365 * 7 + 3));
  });

  it('commits durably: the store runs WAL with synchronous = FULL', () => {
    const db = openStore(mkdtempSync(join(tmpdir(), 'capbu-journal-')));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    // 2 is FULL: each commit is on disk before it returns.
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    db.close();
  });

  it('the kiosk itself never journals data outside the bounds', () => {
    const db = openStore(mkdtempSync(join(tmpdir(), 'capbu-journal-')));
    expect(() => appendEvent(db, { type: 'pin.failed', operator: null, data: { tokenSerial: 'T', token: null, kioskRemaining: 0.5 }, at: new Date() })).toThrow(/INTERNAL/);
    expect(db.prepare('SELECT COUNT(*) FROM journal').pluck().get()).toBe(0);
    db.close();
  });
});
