/** The pure rules: calendar dates in the campaign's zone, the campaign file, the registry export. */
import { describe, expect, it } from 'vitest';
import { calendarDateIn, endOfDay, isCalendarDate, zoneCalendar } from '../src/campaign/calendar.js';
import { parseCampaignFile } from '../src/campaign/campaign.js';
import { normalizeSerial } from '../src/pki/certificate.js';
import { parseRegistryCsv } from '../src/campaign/registry.js';
import { UID_OID, nameField, rfc4514, taxCodeOf } from '../src/pki/names.js';
import { x509 } from '../src/pki/x509.js';
import { CapbuError, ERROR_CODES } from '../src/errors.js';
import { REASON_CODES } from '../src/campaign/decide.js';
import { en } from '../src/i18n/en.js';
import { vi } from '../src/i18n/vi.js';

const HANOI = 'Asia/Ho_Chi_Minh';

function errorOf(fn: () => unknown): CapbuError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CapbuError) return error;
    throw error;
  }
  throw new Error('expected a CapbuError');
}

describe('calendar', () => {
  it('reads the local date, not the UTC one', () => {
    expect(calendarDateIn(new Date('2019-07-16T17:30:00Z'), HANOI)).toBe('2019-07-17');
    expect(calendarDateIn(new Date('2019-07-16T16:59:59Z'), HANOI)).toBe('2019-07-16');
    expect(calendarDateIn(new Date('2019-07-16T17:30:00Z'), 'UTC')).toBe('2019-07-16');
  });

  it('keeps reading the right date as time runs, also where clocks jump at midnight', () => {
    // Havana and Santiago move their clocks at midnight, so some days there have no 00:00.
    for (const zone of [HANOI, 'America/Havana', 'America/Santiago', 'Europe/London', 'Pacific/Apia']) {
      const expected = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
      const calendar = zoneCalendar(zone);
      const instants: number[] = [];
      for (const start of [Date.UTC(2020, 2, 5), Date.UTC(2020, 9, 28), Date.UTC(2021, 8, 1)]) {
        for (let t = start; t < start + 12 * 86_400_000; t += 17 * 60_000) instants.push(t);
      }
      // In order, as a running clock asks, then backwards, as certificates' older instants do.
      for (const t of [...instants, ...instants.reverse()]) {
        expect(calendar.dateOf(new Date(t)), `${zone} ${new Date(t).toISOString()}`).toBe(expected.format(t));
      }
    }
  });

  it('ends a contract at 23:59:59 local time, across DST changes too', () => {
    expect(endOfDay('2022-03-01', zoneCalendar(HANOI)).toISOString()).toBe('2022-03-01T16:59:59.000Z');
    expect(endOfDay('2024-03-31', zoneCalendar('Europe/Berlin')).toISOString()).toBe('2024-03-31T21:59:59.000Z');
    expect(endOfDay('2024-10-27', zoneCalendar('Europe/Berlin')).toISOString()).toBe('2024-10-27T22:59:59.000Z');
  });

  it('accepts only real dates', () => {
    expect(isCalendarDate('2020-02-29')).toBe(true);
    expect(isCalendarDate('2019-02-29')).toBe(false);
    expect(isCalendarDate('2020-1-01')).toBe(false);
  });
});

describe('campaign file', () => {
  const good = {
    id: 'c',
    name: 'n',
    timeZone: HANOI,
    oldCa: 'old.pem',
    newCa: 'new.pem',
    capDate: '2020-10-02',
    issuedBefore: '2019-07-17',
  };

  it('parses a good file: one campaign, as before campaign sets', () => {
    expect(parseCampaignFile(JSON.stringify(good))).toEqual([good]);
  });

  it('parses a set, in its order, and names the campaign at fault by its place', () => {
    const other = { ...good, id: 'd', capDate: '2024-05-13' };
    expect(parseCampaignFile(JSON.stringify({ campaigns: [good, other] }))).toEqual([good, other]);
    expect(errorOf(() => parseCampaignFile(JSON.stringify({ campaigns: [good, { ...other, capDate: 'x' }] }))).details).toMatchObject({
      field: 'campaigns[1].capDate',
      problem: 'not-a-date',
    });
    expect(errorOf(() => parseCampaignFile(JSON.stringify({ campaigns: [] }))).details).toMatchObject({ field: 'campaigns', problem: 'empty' });
    expect(errorOf(() => parseCampaignFile(JSON.stringify({ campaigns: good }))).details).toMatchObject({ field: 'campaigns', problem: 'empty' });
    expect(errorOf(() => parseCampaignFile(JSON.stringify({ campaigns: [good, 3] }))).details).toMatchObject({ field: 'campaigns[1]', problem: 'not-object' });
  });

  it('names the field at fault', () => {
    expect(errorOf(() => parseCampaignFile(JSON.stringify({ ...good, capDate: '02/10/2020' }))).details).toMatchObject({
      field: 'capDate',
      problem: 'not-a-date',
    });
    expect(errorOf(() => parseCampaignFile(JSON.stringify({ ...good, oldCa: 3 }))).details).toMatchObject({ field: 'oldCa' });
    expect(errorOf(() => parseCampaignFile('[]')).code).toBe('CAMPAIGN_INVALID');
  });
});

describe('registry export', () => {
  it('normalises serials and keeps the optional province', () => {
    const rows = parseRegistryCsv('serial,taxCode,contractEnd,status,province\n00AbC1,0101,2022-01-01,active,Hà Nội\n');
    expect(rows).toEqual([{ serial: 'abc1', taxCode: '0101', contractEnd: '2022-01-01', status: 'active', province: 'Hà Nội' }]);
    expect(normalizeSerial('000')).toBe('0');
  });

  it('accepts quoted fields and a byte-order mark', () => {
    const rows = parseRegistryCsv('\uFEFFserial,taxCode,contractEnd,status\n"0a","01, 02",2022-01-01,suspended\n');
    expect(rows[0]).toMatchObject({ serial: 'a', taxCode: '01, 02', status: 'suspended', province: null });
  });

  it('refuses the whole file and lists each bad line', () => {
    const error = errorOf(() =>
      parseRegistryCsv('serial,taxCode,contractEnd,status\nab,1,2022-01-01,active\nab,1,2022-01-01\n,1,2022-01-01,active\n'),
    );
    expect(error.code).toBe('REGISTRY_INVALID');
    expect(error.details.lines).toEqual(['3:columns', '4:serial']);
  });

  it('keys rows by the issuer key identifier and serial: one serial under two waves\' keys is two rows', () => {
    const rows = parseRegistryCsv(
      'serial,taxCode,contractEnd,status,province,issuerKeyId\nab,1,2022-01-01,active,HN,AA:BB:cc\nab,2,2024-07-10,active,HCM,ddeeff\ncd,3,2022-01-01,active,HN,\n',
    );
    expect(rows).toEqual([
      { serial: 'ab', issuerKeyId: 'aabbcc', taxCode: '1', contractEnd: '2022-01-01', status: 'active', province: 'HN' },
      { serial: 'ab', issuerKeyId: 'ddeeff', taxCode: '2', contractEnd: '2024-07-10', status: 'active', province: 'HCM' },
      { serial: 'cd', taxCode: '3', contractEnd: '2022-01-01', status: 'active', province: 'HN' },
    ]);
    const error = errorOf(() =>
      parseRegistryCsv('serial,taxCode,contractEnd,status,issuerKeyId\nab,1,2022-01-01,active,aabb\nab,1,2022-01-01,active,AA:BB\nac,1,2022-01-01,active,xyz\n'),
    );
    expect(error.details.lines).toEqual(['3:duplicate-of-line-2', '4:issuerKeyId']);
  });
});

describe('distinguished names', () => {
  const der = (json: unknown) => new Uint8Array(new x509.Name(json as never).toArrayBuffer());

  it('prints RFC 4514: last RDN first, escaped specials, multi-valued RDNs, unknown types by OID', () => {
    const name = der([
      { C: [{ printableString: 'VN' }] },
      { O: [{ utf8String: 'Công ty "A", chi nhánh #1' }], OU: [{ utf8String: ' Kế toán ' }] },
      { '2.5.4.45': [{ utf8String: 'x' }] },
      { [UID_OID]: [{ utf8String: 'MST:0101234567-001' }] },
    ]);
    expect(rfc4514(name)).toBe(
      'UID=MST:0101234567-001,2.5.4.45=x,O=Công ty \\"A\\"\\, chi nhánh #1+OU=\\ Kế toán\\ ,C=VN',
    );
    expect(taxCodeOf(name)).toBe('0101234567-001');
    expect(nameField(name, '2.5.4.10')).toBe('Công ty "A", chi nhánh #1');
  });

  it('reads BMPString values as text and finds no tax code where there is none', () => {
    const name = der([{ CN: [{ bmpString: 'Hợp tác xã Ước' }] }]);
    expect(rfc4514(name)).toBe('CN=Hợp tác xã Ước');
    expect(taxCodeOf(name)).toBeNull();
  });
});

describe('catalogues', () => {
  it('say every text in both languages', () => {
    expect(Object.keys(vi.text).sort()).toEqual(Object.keys(en.text).sort());
    for (const catalog of [vi, en]) {
      for (const code of ERROR_CODES) expect(catalog.errors[code], code).toBeDefined();
      for (const reason of REASON_CODES) expect(catalog.reasons[reason], reason).toBeTruthy();
    }
  });
});
