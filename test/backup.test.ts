/** `capbu backup` / `capbu restore`: SQLite's online backup of the kiosk store, taken while it is in use. */
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '../src/store/store.js';
import { runCapbu } from './support/cli.js';

function rows(home: string): number {
  const db = new Database(join(home, 'capbu.db'), { readonly: true });
  try {
    return db.prepare('SELECT COUNT(*) FROM registry').pluck().get() as number;
  } finally {
    db.close();
  }
}

function addRows(db: Database.Database, from: number, count: number): void {
  const insert = db.prepare("INSERT INTO registry (issuer_key, serial, tax_code, contract_end, status, province, updated_at) VALUES ('', ?, '0100000001', '2022-03-01', 'active', 'HN', '2020-06-01T00:00:00Z')");
  db.transaction(() => {
    for (let i = from; i < from + count; i++) insert.run(`S${i}`);
  })();
}

describe('capbu backup and restore', () => {
  it('restores over a damaged store, keeping the damaged file beside it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capbu-backup-'));
    const home = join(dir, 'home');
    const live = openStore(home);
    addRows(live, 0, 20);
    live.close();
    const file = join(dir, 'kiosk.backup');
    expect((await runCapbu(['backup', file], { env: { CAPBU_HOME: home } })).code).toBe(0);
    writeFileSync(join(home, 'capbu.db'), 'overwritten by a failing disk, overwritten by a failing disk');
    const restored = await runCapbu(['restore', file], { env: { CAPBU_HOME: home, CAPBU_LANG: 'en' } });
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(rows(home)).toBe(20);
    expect(statSync(join(home, 'capbu.db.before-restore')).isFile()).toBe(true);
  });

  it('copies the store while another connection holds it open in WAL mode, and puts it back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capbu-backup-'));
    const home = join(dir, 'home');
    const live = openStore(home);
    addRows(live, 0, 300);
    // Rows still in the WAL, not checkpointed: a file copy of capbu.db alone would miss them.
    const file = join(dir, 'kiosk.backup');
    const backedUp = await runCapbu(['backup', file], { env: { CAPBU_HOME: home, CAPBU_LANG: 'en' } });
    expect(backedUp.stderr).toBe('');
    expect(backedUp.code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    addRows(live, 300, 50);
    live.close();
    expect(rows(home)).toBe(350);

    const restored = await runCapbu(['restore', file], { env: { CAPBU_HOME: home, CAPBU_LANG: 'en' } });
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(rows(home)).toBe(300);
  });

  it('refuses to restore from a file that is not a whole capbu store, and leaves the store as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capbu-backup-'));
    const home = join(dir, 'home');
    const live = openStore(home);
    addRows(live, 0, 5);
    live.close();
    const notAStore = join(dir, 'other.db');
    new Database(notAStore).exec('CREATE TABLE t (x)');
    const garbage = join(dir, 'garbage.db');
    writeFileSync(garbage, 'not sqlite at all, not at all, not at all, not at all, not at all, not at all, not at all');
    for (const file of [notAStore, garbage, join(dir, 'missing.db')]) {
      const result = await runCapbu(['restore', file], { env: { CAPBU_HOME: home, CAPBU_LANG: 'en' } });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^capbu: BACKUP_INVALID: [^\n]+\n$/);
    }
    expect(rows(home)).toBe(5);
    const existing = await runCapbu(['backup', notAStore], { env: { CAPBU_HOME: home, CAPBU_LANG: 'en' } });
    expect(existing.stderr).toMatch(/^capbu: USAGE: /);
  });
});
