/**
 * The README's error codes are what scripts and operators read: every code capbu can report is
 * documented, and its lists hold no code capbu no longer has.
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

const CODE = /`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{4,})`/g;

it('names every error code of src/errors.ts, and lists no code capbu does not have', () => {
  // Each code is documented with its feature (the dashboard's with the dashboard) ...
  const named = new Set([...README.matchAll(CODE)].map((m) => m[1]!));
  expect(ERROR_CODES.filter((code) => !named.has(code))).toEqual([]);
  // ... and the two lists of codes, the kiosk's under "### Errors" and the central service's under
  // its API table, hold nothing else.
  const lists = [paragraph('Every error is one line on standard error'), paragraph('Exactly one certificate is issued per old certificate')];
  const listed = lists.flatMap((text) => [...text.matchAll(CODE)].map((m) => m[1]!));
  const codes = new Set<string>(ERROR_CODES);
  expect(listed.filter((code) => !codes.has(code))).toEqual([]);
});
