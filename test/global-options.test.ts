/**
 * Issue 10 point 18: `--lang` and `--now` are global: they go anywhere on the line, even with no
 * command, and an unknown language is USAGE naming the ones capbu speaks.
 */
import { beforeAll, expect, it } from 'vitest';
import { runCapbu } from './support/cli.js';
import { NOW, makeWorld, type World } from './support/world.js';

let world: World;

beforeAll(async () => {
  world = await makeWorld();
  await world.subscriberToken('global', { commonName: 'CÔNG TY TÙY CHỌN CHUNG', taxCode: '0102020202' });
});

/** As a fresh shell would run it: no CAPBU_LANG. */
const capbu = (args: string[]) => runCapbu(args, { env: { ...world.env, CAPBU_LANG: '' } });

it('--lang with no command is the help in that language', async () => {
  for (const args of [['--lang', 'en'], ['--lang=en'], ['--lang', 'en', 'help'], ['help', '--lang', 'en']]) {
    const result = await capbu(args);
    expect(result.stderr, args.join(' ')).toBe('');
    expect(result.code, args.join(' ')).toBe(0);
    expect(result.stdout, args.join(' ')).toMatch(/^capbu — compensatory renewal/);
  }
  expect((await capbu(['--now', NOW])).stdout).toMatch(/^capbu — cấp bù/);
});

it('an unknown --lang is USAGE naming the supported languages, wherever it stands', async () => {
  for (const args of [['--lang', 'xx'], ['--lang=fr', 'check'], ['check', '--token', 'global', '--lang', 'EN'], ['--lang'], ['central', 'report', '--lang', 'de']]) {
    const result = await capbu(args);
    expect(result.code, args.join(' ')).toBe(2);
    expect(result.stdout, args.join(' ')).toBe('');
    expect(result.stderr, args.join(' ')).toMatch(/^capbu: USAGE: [^\n]*--lang[^\n]*vi, en[^\n]*\n$/);
  }
});

it('--lang and --now before the command, or before a subcommand, act as after it', async () => {
  const after = await capbu(['check', '--token', 'global', '--json', '--now', NOW, '--lang', 'en']);
  expect(after.code).toBe(1);
  const before = await capbu(['--lang', 'en', '--now', NOW, 'check', '--token', 'global', '--json']);
  // The same words on standard error either way (a warning about the registry copy, or none).
  expect(before.stderr).toBe(after.stderr);
  expect(before.stderr).not.toMatch(/capbu: [A-Z_]+:/);
  expect(before.code).toBe(1);
  expect(before.stdout).toBe(after.stdout);

  const words = await capbu(['--now', NOW, '--lang', 'en', 'check', '--token', 'global']);
  expect(words.stdout).toContain('Dates in the Asia/Ho_Chi_Minh time zone.');
  const badClock = await capbu(['--now', 'yesterday', 'check', '--token', 'global']);
  expect(badClock.stderr).toMatch(/^capbu: CLOCK_INVALID: /);

  // `central` sees its subcommand, not the global option.
  const central = await capbu(['--lang', 'en', 'central', 'report']);
  expect(central.stderr).toMatch(/^capbu: USAGE: --db DB is required/);
  const bare = await capbu(['--lang', 'en', 'central']);
  expect(bare.stderr).toMatch(/^capbu: USAGE: "capbu central" needs a subcommand: serve, registry, orders, override, kiosk, user, report\. /);
});
