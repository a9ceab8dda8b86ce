/**
 * The progress figures recomputed the straightforward way, as the centre did before it kept
 * counts: every known certificate parsed and decided with decide() at `now`, renewals, refusals
 * and the latest decision of each certificate tallied row by row; and the rollout plan's lines
 * from every eligible certificate and renewal. Tests compare the counted figures with this.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Campaign } from '../../src/campaign/campaign.js';
import { zoneCalendar } from '../../src/campaign/calendar.js';
import type { CampaignSet } from '../../src/campaign/campaigns.js';
import { decide } from '../../src/campaign/decide.js';
import { rolloutVersion, UNKNOWN_VERSION } from '../../src/campaign/plan.js';
import type { CampaignLine, Overview, ReportGroup } from '../../src/central/api.js';
import { buildPlanReport } from '../../src/central/plan-report.js';
import type { CentralStore } from '../../src/central/storage/store.js';
import { parseCertificate } from '../../src/pki/certificate.js';

interface Tally {
  eligibleKnown: number | null;
  renewed: number;
  remaining: number | null;
  refused: Record<string, number>;
}

function tallyFor(groups: Map<string, Tally>, key: string, known: boolean): Tally {
  let t = groups.get(key);
  if (!t) groups.set(key, (t = { eligibleKnown: known ? 0 : null, renewed: 0, remaining: known ? 0 : null, refused: {} }));
  return t;
}

const sorted = (groups: Map<string, Tally>): ReportGroup[] =>
  [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, t]) => ({ key, ...t }));

export interface Recomputed extends Omit<Overview, 'campaign' | 'generatedAt'> {
  /** Serials still to renew, per province, sorted. */
  readonly remainingSerials: Map<string, string[]>;
}

/** Over every province, or only those listed. */
export async function recompute(store: CentralStore, campaign: Campaign, now: Date, scope: 'all' | readonly string[] = 'all'): Promise<Recomputed> {
  const inScope = (province: string) => scope === 'all' || scope.includes(province);
  const [certificates, registry, renewedSerials, renewals, refusals, decisions] = await Promise.all([
    store.certificates(),
    store.registrySince(0),
    store.renewedSerials(),
    store.renewalCounts(),
    store.refusalCounts(),
    store.decisions(),
  ]);
  const subscribers = new Map(registry.rows.map((r) => [r.serial, r]));
  const renewed = new Set(renewedSerials);
  const total = tallyFor(new Map(), 'total', true);
  const byProvince = new Map<string, Tally>();
  const byHardware = new Map<string, Tally>();
  const byChannel = new Map<string, Tally>();
  const perDay = new Map<string, number>();
  const remainingSerials = new Map<string, string[]>();
  for (const der of certificates) {
    const facts = parseCertificate(der);
    const subscriber = subscribers.get(facts.serial) ?? null;
    const wasRenewed = renewed.has(facts.serial);
    if (!wasRenewed && !decide({ certificate: facts, subscriber, hasPrivateKey: true }, campaign, now).eligible) continue;
    const province = subscriber?.province ?? '-';
    if (!inScope(province)) continue;
    for (const t of [total, tallyFor(byProvince, province, true)]) {
      t.eligibleKnown! += 1;
      if (!wasRenewed) t.remaining! += 1;
    }
    if (!wasRenewed) remainingSerials.set(province, [...(remainingSerials.get(province) ?? []), facts.serial].sort());
  }
  for (const r of renewals) {
    if (!inScope(r.province)) continue;
    for (const t of [total, tallyFor(byProvince, r.province, true), tallyFor(byHardware, r.hardwareVersion, false), tallyFor(byChannel, r.channel, false)]) {
      t.renewed += r.count;
    }
    perDay.set(r.day, (perDay.get(r.day) ?? 0) + r.count);
  }
  for (const d of decisions) {
    if (d.eligible || !inScope(d.province)) continue;
    for (const t of [total, tallyFor(byProvince, d.province, true), tallyFor(byChannel, d.channel, false)]) {
      for (const reason of d.reasons) t.refused[reason] = (t.refused[reason] ?? 0) + 1;
    }
  }
  for (const f of refusals) {
    if (!inScope(f.province)) continue;
    const t = tallyFor(byHardware, f.hardwareVersion, false);
    t.refused[f.reason] = (t.refused[f.reason] ?? 0) + f.count;
  }
  return {
    total: { key: 'total', ...total },
    byProvince: sorted(byProvince),
    byHardwareVersion: sorted(byHardware),
    byChannel: sorted(byChannel),
    renewalsPerDay: [...perDay.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([date, n]) => ({ date, renewed: n })),
    remainingSerials,
  };
}

/** Rows of a query on a centre's database (a SQLite path or a PostgreSQL URL), `?` for parameters. */
export async function rowsOf(db: string, sql: string, params: readonly unknown[] = []): Promise<Record<string, unknown>[]> {
  if (!db.startsWith('postgres')) {
    const file = new Database(db, { readonly: true });
    try {
      return file.prepare(sql).all(...params) as Record<string, unknown>[];
    } finally {
      file.close();
    }
  }
  const client = new pg.Client({ connectionString: db });
  await client.connect();
  try {
    let n = 0;
    return (await client.query(sql.replace(/\?/g, () => `$${++n}`), [...params])).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

/** Statements run one after another on a centre's database (a SQLite path or a PostgreSQL URL). */
export async function execAll(db: string, statements: readonly string[]): Promise<void> {
  if (!db.startsWith('postgres')) {
    const file = new Database(db);
    try {
      for (const statement of statements) file.exec(statement);
    } finally {
      file.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: db });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * The campaigns' lines of the report recomputed as the centre did before it kept the plan's
 * counts: every certificate renewed or whose grant has not ended (by its stored standing) with its
 * registry row's hardware version, and every renewal, each told to its campaign by its old CA key
 * and to a version by the registry, else the renewed token.
 */
export async function recomputeCampaignLines(db: string, campaigns: CampaignSet, now: Date): Promise<CampaignLine[]> {
  const known = await rowsOf(
    db,
    `SELECT c.issuer_key, c.serial, s.hardware_version FROM certificates c
       LEFT JOIN subscribers s ON s.serial = c.serial
         AND s.issuer_key = (SELECT MAX(x.issuer_key) FROM subscribers x WHERE x.serial = c.serial AND x.issuer_key IN (c.issuer_key, ''))
     WHERE c.renewed = 1 OR c.eligible_until > ?`,
    [now.toISOString()],
  );
  const renewals = await rowsOf(db, 'SELECT issuer_key, old_serial, hardware_version, channel, issued_day FROM renewals');
  const ownerOf = (key: unknown) => (String(key) === '' ? campaigns.campaigns[0] : campaigns.campaigns.find((c) => c.oldCa.keyId === String(key)));
  const text = (v: unknown) => (v == null ? null : String(v));
  return campaigns.campaigns.map((campaign) => {
    const ownKnown = known.filter((k) => ownerOf(k.issuer_key) === campaign);
    const ownRenewals = renewals.filter((r) => ownerOf(r.issuer_key) === campaign);
    const registryVersion = new Map(ownKnown.map((k) => [String(k.serial), text(k.hardware_version)]));
    const renewedBy = ownRenewals.map((r) => ({
      serial: String(r.old_serial),
      version: rolloutVersion(registryVersion.get(String(r.old_serial)), text(r.hardware_version)) ?? UNKNOWN_VERSION,
      day: String(r.issued_day),
      channel: String(r.channel),
      n: 1,
    }));
    const renewedVersion = new Map(renewedBy.map((r) => [r.serial, r.version]));
    const eligible = new Map<string, number>();
    for (const k of ownKnown) {
      const v = rolloutVersion(text(k.hardware_version), null) ?? renewedVersion.get(String(k.serial)) ?? UNKNOWN_VERSION;
      eligible.set(v, (eligible.get(v) ?? 0) + 1);
    }
    const today = zoneCalendar(campaign.timeZone).dateOf(now);
    return {
      campaign: campaign.id,
      name: campaign.name,
      eligibleKnown: ownKnown.length,
      renewed: ownRenewals.length,
      plan: campaign.plan ? buildPlanReport({ ...campaign, plan: campaign.plan }, { eligible, renewed: renewedBy }, today) : null,
    };
  });
}
