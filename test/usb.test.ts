/** Reading USB devices from sysfs: both token classes, nothing but devices, keyboards told apart. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogue, findDevice } from '../src/token/catalogue.js';
import { sysfsDevices } from '../src/token/usb.js';
import { EPASS2003, KEYBOARD, writeSysfs } from './support/plug.js';

describe('sysfsDevices', () => {
  it('lists CCID and HID devices with their ids, skipping the root hub, and marks boot keyboards', () => {
    const root = mkdtempSync(join(tmpdir(), 'capbu-sysfs-'));
    writeSysfs(root, [EPASS2003, KEYBOARD, { vendorId: '25DD', productId: '2341', interfaces: [{ cls: '0b' }, { cls: '03' }] }]);
    expect(sysfsDevices(root)).toEqual([
      { port: '1-1', vendorId: '096e', productId: '0807', manufacturer: null, product: 'ePass2003', serial: null, classes: ['ccid'], inputOnly: false },
      { port: '1-2', vendorId: '046d', productId: 'c31c', manufacturer: null, product: null, serial: null, classes: ['hid'], inputOnly: true },
      { port: '1-3', vendorId: '25dd', productId: '2341', manufacturer: null, product: null, serial: null, classes: ['ccid', 'hid'], inputOnly: false },
    ]);
  });

  it('answers null where there is no sysfs', () => {
    expect(sysfsDevices(join(tmpdir(), 'no-such-sysfs'))).toBeNull();
  });
});

describe('catalogue', () => {
  it('knows the public entries, each with a source, vendor-wide ones after exact ones', () => {
    const cat = catalogue();
    expect(findDevice(cat, '096E', '0807')).toMatchObject({ model: 'ePass2003', usbClass: 'ccid', modules: ['opensc', 'feitian-castle'] });
    expect(findDevice(cat, '25dd', '2341')).toMatchObject({ vendor: 'Bit4id', productId: '*' });
    expect(findDevice(cat, '1234', 'abcd')).toBeNull();
    for (const entry of cat.devices) expect(entry.source.length).toBeGreaterThan(10);
    for (const entry of cat.devices) for (const id of entry.modules) expect(cat.modules.some((m) => m.id === id)).toBe(true);
  });

  it('lets settings correct a built-in entry and add a module by path', () => {
    const cat = catalogue([{ vendorId: '0x96e', productId: '807', vendor: 'Viettel-CA', model: 'ePass2003', hardwareVersion: 'v5', usbClass: 'ccid', modules: ['/opt/viettel/libpkcs11.so'], plug: 'poll' }]);
    expect(findDevice(cat, '096e', '0807')).toMatchObject({ hardwareVersion: 'v5', source: 'settings.json' });
    expect(cat.modules[0]).toMatchObject({ id: '/opt/viettel/libpkcs11.so', plug: 'poll' });
  });
});
