/**
 * The progress figures recomputed the straightforward way, as the centre did before it kept
 * counts: every known certificate parsed and decided with decide() at `now`, renewals, refusals
 * and the latest decision of each certificate tallied row by row. Tests compare the counted
 * figures with this.
 */
import type { Campaign } from '../../src/campaign/campaign.js';
import { decide } from '../../src/campaign/decide.js';
import type { Overview, ReportGroup } from '../../src/central/api.js';
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
