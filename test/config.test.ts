/**
 * `capbu config get|set|unset|list` (issue 14, settings): every setting the kiosk reads, each
 * refusal one line with its code naming the setting and nothing written, the help and the
 * "did you mean" from the command table. Run as the user runs it: the built binary.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, loadSettings } from '../src/store/settings.js';
import { runCapbu } from './support/cli.js';

let home: string;
const capbu = (...args: string[]) => runCapbu(args, { env: { CAPBU_HOME: home, CAPBU_LANG: 'vi' } });
const settingsFile = () => join(home, 'settings.json');

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'capbu-config-'));
});

/** One line on standard error with the code, exit 2, and the settings file as it was. */
async function refused(code: string, name: string, ...args: string[]): Promise<string> {
  await capbu('config', 'list');
  const before = readFileSync(settingsFile(), 'utf8');
  const result = await capbu('config', ...args);
  expect(result.code, result.stderr).toBe(2);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^capbu: ${code}: `));
  expect(lines[0]).toContain(`"${name}"`);
  expect(readFileSync(settingsFile(), 'utf8')).toBe(before);
  return lines[0]!;
}

describe('capbu config', () => {
  it('lists every setting with its default, and the enrolment beside them', async () => {
    const json = await capbu('config', 'list', '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ ...DEFAULT_SETTINGS, centreUrl: null, kioskId: null });
    const table = await capbu('config', 'list');
    expect(table.stdout).toMatch(/^pinTryLimit\s+5 {2}\(mặc định\)$/m);
    expect(table.stdout).toMatch(/^supportLine\s+Tổng đài 18008000 nhánh 1 {2}\(mặc định\)$/m);
    expect(table.stdout).toMatch(/^kioskId\s+\(chưa đăng ký\) {2}\(từ capbu enroll\)$/m);
  });

  it('sets each kind of setting, and the kiosk reads what was set', async () => {
    const sets: [string, string[], unknown][] = [
      ['pinTryLimit', ['3'], 3],
      ['retryDelaysMs', ['100', '0', '60000'], [100, 0, 60000]],
      ['operator', [' Nguyễn Lan '], 'Nguyễn Lan'],
      ['modules', ['/usr/lib/softhsm/libsofthsm2.so'], ['/usr/lib/softhsm/libsofthsm2.so']],
      ['lang', ['en'], 'en'],
      ['selfService', ['true'], true],
      ['printCommand', ['cat -n'], 'cat -n'],
      ['supportLine', ['Tổng', 'đài', '1900 0000'], 'Tổng đài 1900 0000'],
      ['unsyncedWarnHours', ['48'], 48],
      ['registryMaxAgeDays', ['30'], 30],
      [
        'devices',
        [JSON.stringify([{ vendorId: '096e', productId: '0807', vendor: 'Feitian', model: 'ePass2003', hardwareVersion: 'v5', usbClass: 'ccid', modules: ['opensc'] }])],
        [{ vendorId: '096e', productId: '0807', vendor: 'Feitian', model: 'ePass2003', hardwareVersion: 'v5', usbClass: 'ccid', modules: ['opensc'] }],
      ],
    ];
    for (const [name, values, expected] of sets) {
      const set = await capbu('config', 'set', name, ...values);
      expect(set.code, `${name}: ${set.stderr}`).toBe(0);
      const got = await capbu('config', 'get', name, '--json');
      expect(JSON.parse(got.stdout), name).toEqual(expected);
    }
    const settings = loadSettings(home);
    expect(settings.pinTryLimit).toBe(3);
    expect(settings.selfService).toBe(true);
    expect(settings.devices[0]!.model).toBe('ePass2003');
    // Plain `get`: one value a line, as a script reads it.
    expect((await capbu('config', 'get', 'retryDelaysMs')).stdout).toBe('100\n0\n60000\n');
    expect((await capbu('config', 'get', 'lang')).stdout).toBe('en\n');
  });

  it('unset puts a setting back to its default; an unset one prints nothing', async () => {
    expect((await capbu('config', 'set', 'operator', 'lan')).code).toBe(0);
    expect((await capbu('config', 'unset', 'operator')).code).toBe(0);
    const got = await capbu('config', 'get', 'operator');
    expect(got).toMatchObject({ code: 0, stdout: '' });
    expect(loadSettings(home).operator).toBeNull();
    expect((await capbu('config', 'set', 'pinTryLimit', '9')).code).toBe(0);
    expect((await capbu('config', 'unset', 'pinTryLimit')).code).toBe(0);
    expect(loadSettings(home).pinTryLimit).toBe(DEFAULT_SETTINGS.pinTryLimit);
  });

  it('refuses a bad value with its code, naming the setting and what it takes', async () => {
    expect(await refused('SETTING_VALUE_INVALID', 'pinTryLimit', 'set', 'pinTryLimit', '16')).toContain('từ 1 đến 15');
    await refused('SETTING_VALUE_INVALID', 'pinTryLimit', 'set', 'pinTryLimit', '0');
    await refused('SETTING_VALUE_INVALID', 'pinTryLimit', 'set', 'pinTryLimit', '4.5');
    await refused('SETTING_VALUE_INVALID', 'pinTryLimit', 'set', 'pinTryLimit', '3', '4');
    await refused('SETTING_VALUE_INVALID', 'retryDelaysMs', 'set', 'retryDelaysMs', '500', '60001');
    await refused('SETTING_VALUE_INVALID', 'retryDelaysMs', 'set', 'retryDelaysMs', ...Array.from({ length: 11 }, () => '1'));
    await refused('SETTING_VALUE_INVALID', 'lang', 'set', 'lang', 'fr');
    await refused('SETTING_VALUE_INVALID', 'selfService', 'set', 'selfService', 'yes');
    await refused('SETTING_VALUE_INVALID', 'operator', 'set', 'operator', 'x'.repeat(65));
    await refused('SETTING_VALUE_INVALID', 'operator', 'set', 'operator', '   ');
    await refused('SETTING_VALUE_INVALID', 'supportLine', 'set', 'supportLine', 'line\u0007bell');
    expect(await refused('SETTING_VALUE_INVALID', 'modules', 'set', 'modules', 'libsofthsm2.so')).toContain('đường dẫn đầy đủ');
    expect(await refused('SETTING_VALUE_INVALID', 'modules', 'set', 'modules', '/no/such/module.so')).toContain('không có tệp này');
    expect(await refused('SETTING_VALUE_INVALID', 'printCommand', 'set', 'printCommand', 'no-such-printer-program -d quay1')).toContain('không tìm thấy chương trình');
    await refused('SETTING_VALUE_INVALID', 'devices', 'set', 'devices', '{not json');
    // Only the store's schema knows a device entry's fields: its refusal is worded the same way.
    await refused('SETTING_VALUE_INVALID', 'devices', 'set', 'devices', '[{"vendorId":"zz"}]');
  });

  it('names the nearest setting for a mistyped one, and keeps the enrolment to capbu enroll', async () => {
    expect(await refused('SETTING_UNKNOWN', 'pinTryLimt', 'set', 'pinTryLimt', '3')).toContain('"pinTryLimit"?');
    expect(await refused('SETTING_UNKNOWN', 'Lang', 'get', 'Lang')).toContain('"lang"?');
    await refused('SETTING_READ_ONLY', 'kioskId', 'set', 'kioskId', 'HN-01');
    await refused('SETTING_READ_ONLY', 'centreUrl', 'unset', 'centreUrl');
    const english = await runCapbu(['--lang', 'en', 'config', 'set', 'selfService', 'yes'], { env: { CAPBU_HOME: home } });
    expect(english.stderr).toBe('capbu: SETTING_VALUE_INVALID: the setting "selfService" cannot be "yes": it takes "true" or "false"; nothing was changed\n');
  });

  it('refuses to write over a settings file it cannot read, and says which file', async () => {
    writeFileSync(settingsFile(), '{"pinTryLimit": 99}');
    const result = await capbu('config', 'set', 'lang', 'en');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^capbu: SETTINGS_INVALID: .*pinTryLimit/);
    expect(readFileSync(settingsFile(), 'utf8')).toBe('{"pinTryLimit": 99}');
  });

  it('has its help and "did you mean" from the command table', async () => {
    const help = await capbu('help', 'config');
    expect(help.code).toBe(0);
    for (const sub of ['config get', 'config set', 'config unset', 'config list']) expect(help.stdout).toContain(sub);
    expect((await capbu('config', 'set', '--help')).stdout).toContain('capbu config set MỤC GIÁ_TRỊ…');
    const group = await capbu('config');
    expect(group.code).toBe(2);
    expect(group.stderr).toContain('get, set, unset, list');
    expect((await capbu('confg', 'list')).stderr).toContain('config');
    expect((await capbu('config', 'lst')).stderr).toContain('list');
    const missing = await capbu('config', 'set', 'lang');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('GIÁ_TRỊ');
  });
});
