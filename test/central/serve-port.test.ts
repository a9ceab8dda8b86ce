/**
 * Issue 11 point 15: `central serve` on a taken port says which port and exits 2 before it opens
 * anything; `central report`, `kiosk list`, `kiosk revoke` and `kiosk reissue` with a --db file that
 * does not exist are an error, not a new empty database reporting zeros.
 */
import { beforeAll, expect, it } from 'vitest';
import { createServer, type AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCapbu } from '../support/cli.js';
import { makeWorld, type World } from '../support/world.js';

let world: World;

beforeAll(async () => {
  world = await makeWorld();
});

it('serve on a taken port: LISTEN_FAILED naming the port, exit 2, and the database never created', async () => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const { port } = holder.address() as AddressInfo;
  const db = join(world.dir, 'never-made.db');
  try {
    for (const lang of ['en', 'vi']) {
      const result = await runCapbu(['central', 'serve', '--ca-key', world.newCaKeyPath, '--db', db, '--listen', `127.0.0.1:${port}`, '--lang', lang], { env: world.env });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(lang === 'en' ? new RegExp(`^capbu: LISTEN_FAILED: port ${port} is already in use`) : new RegExp(`^capbu: LISTEN_FAILED: cổng ${port} đang được dùng`));
      expect(result.stderr).not.toContain('EADDRINUSE');
      expect(result.stderr.split('\n')).toHaveLength(2);
    }
    expect(existsSync(db)).toBe(false);
  } finally {
    holder.close();
  }
});

for (const command of [['report'], ['kiosk', 'list'], ['kiosk', 'revoke', 'HN-QUAY-01'], ['kiosk', 'reissue', 'HN-QUAY-01']]) {
  it(`central ${command.join(' ')} on a database file that does not exist: CENTRAL_DB_FAILED, nothing created`, async () => {
    const db = join(world.dir, 'typo.db');
    const result = await runCapbu(['central', ...command, '--db', db], { env: world.env });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`capbu: CENTRAL_DB_FAILED: the central database ${db} does not exist; give the --db that "capbu central serve" uses\n`);
    expect(existsSync(db)).toBe(false);
  });
}
