/**
 * check and renew without --module or the environment: the module comes from the catalogue entry
 * of the device plugged in, and that entry's hardware version travels into the renewal request
 * (the centre's report splits by it) and the kiosk's record of the renewal.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEBIAN_SOFTHSM2 } from '../src/token/module.js';
import { startTestCentre, type TestCentre } from './support/centre.js';
import { runCapbu } from './support/cli.js';
import { EPASS2003, KEYBOARD, UNKNOWN_READER, writeSysfs } from './support/plug.js';
import { eligibleCustomer } from './support/renewal.js';
import { NOW, USER_PIN, makeWorld, type World } from './support/world.js';

let world: World;
let centre: TestCentre;
let sysfs: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  world = await makeWorld();
  centre = await startTestCentre(world, new Date(NOW));
  sysfs = join(world.dir, 'sys');
  mkdirSync(sysfs);
  // This store's ePass2003s are Viettel "v5"; here SoftHSM2 stands in for their module.
  writeFileSync(
    join(world.env.CAPBU_HOME!, 'settings.json'),
    JSON.stringify({ devices: [{ vendorId: '096e', productId: '0807', vendor: 'Feitian', model: 'ePass2003', hardwareVersion: 'v5', usbClass: 'ccid', modules: [DEBIAN_SOFTHSM2] }] }),
  );
  env = { ...world.env, CAPBU_PKCS11_MODULE: '', CAPBU_SYSFS: sysfs };
});

afterAll(async () => {
  await centre.close();
});

describe('module and hardware version from the catalogue', () => {
  it('renews through the catalogued device\'s module and sends its hardware version', async () => {
    const customer = await eligibleCustomer(world, centre, 'pick-1');
    writeSysfs(sysfs, [KEYBOARD, EPASS2003]);
    const checked = await runCapbu(['check', '--token', 'pick-1', '--now', NOW, '--json'], { env });
    // Warnings (a registry copy's age) may come; no error.
    expect(checked.stderr).not.toMatch(/capbu: [A-Z_]+:/);
    expect(checked.code).toBe(0);
    const renewed = await runCapbu(['renew', '--token', 'pick-1', '--pin-stdin', '--json', '--now', NOW], { env, stdin: `${USER_PIN}\n` });
    expect(renewed.stderr).not.toMatch(/capbu: [A-Z_]+:/);
    expect(JSON.parse(renewed.stdout)).toMatchObject({ status: 'renewed', oldSerial: customer.serial });

    const central = new Database(centre.db, { readonly: true });
    const atCentre = central.prepare('SELECT hardware_version FROM renewals WHERE old_serial = ?').pluck().get(customer.serial);
    central.close();
    expect(atCentre).toBe('v5');
    const kiosk = new Database(join(world.env.CAPBU_HOME!, 'capbu.db'), { readonly: true });
    const request = kiosk.prepare('SELECT request FROM renewals WHERE old_serial = ?').pluck().get(customer.serial) as string;
    const event = kiosk.prepare("SELECT data FROM journal WHERE type = 'renewal.requested' ORDER BY seq DESC LIMIT 1").pluck().get() as string;
    kiosk.close();
    expect(JSON.parse(request).token.hardwareVersion).toBe('v5');
    expect(JSON.parse(event)).toMatchObject({ oldSerial: customer.serial, hardwareVersion: 'v5' });
  });

  it('says which driver to install when the device\'s modules are missing, and gives an unknown device\'s ids', async () => {
    const home = join(world.dir, 'home-no-driver');
    mkdirSync(home);
    writeFileSync(join(home, 'settings.json'), JSON.stringify({ devices: [{ vendorId: '096e', productId: '0807', vendor: 'Feitian', model: 'ePass2003', hardwareVersion: 'v5', usbClass: 'ccid', modules: ['/opt/nowhere/libvendor.so'] }] }));
    writeSysfs(sysfs, [EPASS2003]);
    const missing = await runCapbu(['check', '--now', NOW], { env: { ...env, CAPBU_HOME: home } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^capbu: DRIVER_MISSING: .*Feitian ePass2003.*\/opt\/nowhere\/libvendor\.so\n$/);
    writeSysfs(sysfs, [UNKNOWN_READER]);
    const unknown = await runCapbu(['check', '--now', NOW], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^capbu: DEVICE_UNKNOWN: .*1234:abcd.*\n$/);
  });
});
