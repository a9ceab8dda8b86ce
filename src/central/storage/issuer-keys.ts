/**
 * Renewals and certificates stored before issuer keys (migration 9) hold ''. Their keys cannot
 * be read from SQL, so the centre gives them theirs when it starts with its campaigns, in batches
 * of their own transactions, written once for both databases as plans of SQL commands. Until
 * then a '' renewal holds its serial under every key, so nothing is ever issued twice.
 */
import type { Command, Row } from '../../sql/migrate.js';
import { parseCertificate } from '../../pki/certificate.js';
import { authorityKeyIdOf } from '../../pki/key-identifier.js';
import { planStandingCounts } from './progress-plans.js';
import type { Statements } from './statements.js';

/** Rows moved per transaction. */
export const ADOPT_BATCH = 2000;

const run = (sql: string, params: readonly unknown[] = []): Command => ({ sql, params });

/** The key a certificate names its issuer by; '' when it names none or does not parse. */
function authorityKeyOfDer(base64: string): string {
  try {
    return authorityKeyIdOf(parseCertificate(new Uint8Array(Buffer.from(base64, 'base64'))));
  } catch {
    return ''; // add-certs stores only what parsed
  }
}

/**
 * Up to a batch of '' renewals after `after` (their new serial), keyed by the old CA key of the
 * campaign whose new CA signed them, with their claims. Returns the last serial read (null:
 * done) and how many moved.
 */
export function* adoptRenewalsPlan(
  sql: Statements,
  oldKeyOfRenewal: (certificate: Uint8Array) => string | null,
  after: string,
): Generator<Command, { last: string | null; moved: number }, Row[]> {
  const rows = yield run(sql.unkeyedRenewals, [after, ADOPT_BATCH]);
  let moved = 0;
  for (const r of rows) {
    const key = oldKeyOfRenewal(new Uint8Array(Buffer.from(String(r.certificate), 'base64')));
    if (!key) continue;
    // No keyed renewal of this old certificate can exist: the '' one refused every claim on it.
    yield run(sql.keyRenewal, [key, r.serial]);
    yield run(sql.keyClaim, [key, r.serial]);
    // Its rollout plan count moves to its key; its certificate, decided again, may give it the registry's version.
    if (r.plan_version != null) {
      const [version, day, channel] = [String(r.plan_version), String(r.issued_day), String(r.channel)];
      yield run(sql.bumpPlanCount, ['renewed', '', version, day, channel, -1]);
      yield run(sql.bumpPlanCount, ['renewed', key, version, day, channel, 1]);
    }
    yield run(sql.markCertificatePending, [r.old_serial, key]);
    moved++;
  }
  return { last: rows.length === ADOPT_BATCH ? String(rows.at(-1)!.serial) : null, moved };
}

/** The same for '' certificates (after `after`, their serial), keyed as their AuthorityKeyIdentifier says; decided again. */
export function* adoptCertificatesPlan(sql: Statements, after: string): Generator<Command, { last: string | null; moved: number }, Row[]> {
  const rows = yield run(sql.unkeyedCertificates, [after, ADOPT_BATCH]);
  let moved = 0;
  for (const r of rows) {
    const key = authorityKeyOfDer(String(r.der));
    if (key === '') continue;
    // One added again since, under its key, is the same certificate: the '' copy stays as it is.
    const [taken] = yield run(sql.certificateKnown, [key, r.serial]);
    if (taken) continue;
    yield run(sql.keyCertificate, [key, r.serial]);
    // What it counted for in the rollout plan moves to its key, where the refresh will find it.
    if (r.plan_version != null) {
      for (const [kind, , version, a, b, n] of planStandingCounts('', String(r.plan_version), r.eligible_until, Number(r.renewed) === 1, -1)) {
        yield run(sql.bumpPlanCount, [kind, '', version, a, b, n]);
        yield run(sql.bumpPlanCount, [kind, key, version, a, b, -n]);
      }
    }
    moved++;
  }
  return { last: rows.length === ADOPT_BATCH ? String(rows.at(-1)!.serial) : null, moved };
}
