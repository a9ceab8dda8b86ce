/** The DER time and OID decoders on their own: milliseconds, no token, no child process. */
import { describe, expect, it } from 'vitest';
import { decodeOid, decodeTime, DerError, DerWriter, element, oidOf, TAG, type DerProblem } from '../../src/pki/der.js';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const problem = (read: () => unknown): DerProblem | 'read' => {
  try {
    read();
    return 'read';
  } catch (error) {
    if (error instanceof DerError) return error.problem;
    throw error;
  }
};

describe('decodeOid', () => {
  it.each([
    ['2a864886f70d01010b', '1.2.840.113549.1.1.11'],
    ['550403', '2.5.4.3'],
    ['0992268993f22c640101', '0.9.2342.19200300.100.1.1'],
    ['00', '0.0'],
    ['27', '0.39'],
    ['28', '1.0'],
    ['4f', '1.39'],
    ['50', '2.0'],
    // 2.999.3: the first subidentifier is 1079 = 80 + 999, not 26.39.
    ['883703', '2.999.3'],
    ['7f', '2.47'],
    // Arcs at and past 2^31, 2^32 and 2^53 stay apart, exact.
    ['2a 88808080 00', '1.2.2147483648'],
    ['2a 8fffffff 7f', '1.2.4294967295'],
    ['2a 90808080 00', '1.2.4294967296'],
    ['2a 9080808080808000', '1.2.9007199254740992'],
    ['2a 9080808080808001', '1.2.9007199254740993'],
    ['2a 82808080808080808000', '1.2.18446744073709551616'],
    ['82808080808080808050', '2.18446744073709551616'],
  ])('%s is %s', (bytes, dotted) => {
    expect(decodeOid(hex(bytes))).toBe(dotted);
  });

  it.each([
    ['', 'empty (once "0.NaN")'],
    ['2a86', 'the last arc cut short (once dropped)'],
    ['86', 'a single byte that continues'],
    ['2a 8001', 'a needless leading 0x80'],
    ['80 01', 'a needless leading 0x80 in the first subidentifier'],
  ])('refuses %s: %s', (bytes) => {
    expect(problem(() => decodeOid(hex(bytes)))).toBe('oid');
  });

  it('round-trips with the writer, big arcs included', () => {
    for (const dotted of ['1.2.840.10045.3.1.7', '2.999.3', '2.5.29.19', '1.3.6.1.4.1.2147483648.4294967296.18446744073709551617', '0.0', '2.100000']) {
      expect(oidOf(element(new DerWriter().oid(dotted).toBytes(), TAG.oid))).toBe(dotted);
    }
  });
});

describe('decodeTime', () => {
  const utc = (text: string) => decodeTime(TAG.utcTime, Buffer.from(text, 'latin1'));
  const generalized = (text: string) => decodeTime(TAG.generalizedTime, Buffer.from(text, 'latin1'));

  it.each([
    ['200930170000Z', '2020-09-30T17:00:00.000Z'],
    ['491231235959Z', '2049-12-31T23:59:59.000Z'],
    ['500101000000Z', '1950-01-01T00:00:00.000Z'],
    ['000229000000Z', '2000-02-29T00:00:00.000Z'],
    ['240229120000Z', '2024-02-29T12:00:00.000Z'],
  ])('UTCTime %s is %s', (text, iso) => {
    expect(utc(text).toISOString()).toBe(iso);
  });

  it.each([
    ['20500101000000Z', '2050-01-01T00:00:00.000Z'],
    ['99991231235959Z', '9999-12-31T23:59:59.000Z'],
    ['00500101000000Z', '0050-01-01T00:00:00.000Z'],
    ['20000229000000Z', '2000-02-29T00:00:00.000Z'],
  ])('GeneralizedTime %s is %s', (text, iso) => {
    expect(generalized(text).toISOString()).toBe(iso);
  });

  it.each([
    ['201301000000Z', 'month 13'],
    ['200001000000Z', 'month 0'],
    ['200100000000Z', 'day 0'],
    ['200132000000Z', '32 January'],
    ['200230000000Z', '30 February'],
    ['190229000000Z', '29 February in a common year'],
    ['200431000000Z', '31 April'],
    ['200101240000Z', 'hour 24'],
    ['200101006000Z', 'minute 60'],
    ['200101000060Z', 'second 60 (X.509 has no leap seconds)'],
    ['2001010000Z', 'no seconds'],
    ['200101000000', 'no Z'],
    ['200101000000+0700', 'an offset'],
    ['20010100000aZ', 'a letter'],
    ['2001 1000000Z', 'a space'],
  ])('refuses UTCTime %s: %s', (text) => {
    expect(problem(() => utc(text))).toBe('time');
  });

  it.each([
    ['21000229000000Z', '29 February 2100'],
    ['20200101000000.5Z', 'fractional seconds'],
    ['202001010000Z', 'no seconds'],
    ['200101000000Z', 'a UTCTime under the GeneralizedTime tag'],
  ])('refuses GeneralizedTime %s: %s', (text) => {
    expect(problem(() => generalized(text))).toBe('time');
  });

  it('refuses any other tag', () => {
    expect(problem(() => decodeTime(TAG.octetString, Buffer.from('200101000000Z')))).toBe('time');
  });

  it('the writer and the decoder agree', () => {
    for (const iso of ['1950-01-01T00:00:00.000Z', '2049-12-31T23:59:59.000Z', '2050-01-01T00:00:00.000Z', '2028-12-01T16:59:59.000Z']) {
      const bytes = new DerWriter().time(new Date(iso)).toBytes();
      expect(decodeTime(bytes[0]!, bytes.subarray(2)).toISOString()).toBe(iso);
    }
  });
});

describe('lengths and integers', () => {
  it.each([
    ['3080 0000', 'length-form'],
    ['3081 00', 'length-form'],
    ['3081 7f' + '00'.repeat(127), 'length-form'],
    ['3082 0080' + '00'.repeat(128), 'length-form'],
    ['3085 0000000001 00', 'length-form'],
    ['3005 0000', 'truncated'],
    ['30', 'truncated'],
    ['3000 00', 'trailing-bytes'],
    ['1f22 00', 'structure'],
  ])('%s is %s', (bytes, expected) => {
    expect(problem(() => element(hex(bytes), hex(bytes)[0]!))).toBe(expected);
  });

  it('reads the minimal long forms', () => {
    expect(element(hex('0481 80' + '00'.repeat(128)), TAG.octetString).content.length).toBe(128);
    expect(element(hex('0482 0100' + '00'.repeat(256)), TAG.octetString).content.length).toBe(256);
  });
});
