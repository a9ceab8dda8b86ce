/**
 * The README's lists of error codes are what scripts and operators read: every code capbu can
 * report is in them, and nothing in them is a code capbu no longer has.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { ERROR_CODES } from '../src/errors.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The text from `start` to the next blank line. */
function paragraph(start: string): string {
  const at = README.indexOf(start);
  expect(at, `README has "${start}"`).toBeGreaterThan(-1);
  const end = README.indexOf('\n\n', at);
  return README.slice(at, end === -1 ? undefined : end);
}

it('lists every error code of src/errors.ts, and only those', () => {
  // The kiosk's list under "### Errors", and the central service's under its API table.
  const lists = [paragraph('Every error is one line on standard error'), paragraph('Exactly one certificate is issued per old certificate')];
  const listed = new Set(lists.flatMap((text) => [...text.matchAll(/`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{4,})`/g)].map((m) => m[1]!)));
  const codes = new Set<string>(ERROR_CODES);
  expect([...codes].filter((code) => !listed.has(code))).toEqual([]);
  expect([...listed].filter((code) => !codes.has(code))).toEqual([]);
});
