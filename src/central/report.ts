/**
 * The campaign's progress: per province, per token hardware version and per channel, how many
 * eligible certificates the centre knows of, how many were renewed and remain, what was refused
 * and why; and renewals per day. Eligibility of the known certificates comes from decide(), the
 * same rule the kiosks and issuance use, taking the key as present (only a kiosk can see it).
 */
import type { Campaign } from '../campaign/campaign.js';
import type { SubscriberRecord } from '../campaign/registry.js';
import { parseCertificate } from '../pki/certificate.js';
import { zoneCalendar } from '../campaign/calendar.js';
import { decide } from '../campaign/decide.js';
import type { Report, ReportGroup } from './api.js';
import type { CentralStore } from './storage/store.js';

/** Shown where the registry gives no province. */
export const NO_PROVINCE = '-';

interface Tally {
  eligibleKnown: number | null;
  renewed: number;
  remaining: number | null;
  refused: Record<string, number>;
}

function tallyFor(groups: Map<string, Tally>, key: string, known: boolean): Tally {
  let t = groups.get(key);
  if (!t) {
    t = { eligibleKnown: known ? 0 : null, renewed: 0, remaining: known ? 0 : null, refused: {} };
    groups.set(key, t);
  }
  return t;
}

const sorted = (groups: Map<string, Tally>): ReportGroup[] =>
  [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, t]) => ({ key, ...t }));

/** A known certificate the campaign counts: eligible now, or already renewed. */
export interface CountedCertificate {
  readonly serial: string;
  readonly subscriber: SubscriberRecord | null;
  readonly province: string;
  readonly renewed: boolean;
}

/** The known certificates that are eligible or were renewed, in serial order, with their subscriber. */
export async function countedCertificates(store: CentralStore, campaign: Campaign, now: Date): Promise<CountedCertificate[]> {
  const [certificates, registry, renewedSerials] = await Promise.all([store.certificates(), store.registrySince(0), store.renewedSerials()]);
  const subscribers = new Map(registry.rows.map((r) => [r.serial, r]));
  const renewed = new Set(renewedSerials);
  const calendar = zoneCalendar(campaign.timeZone);
  const counted: CountedCertificate[] = [];
  for (const der of certificates) {
    let facts;
    try {
      facts = parseCertificate(der);
    } catch {
      continue; // add-certs stores only what parsed; nothing else can be here.
    }
    const subscriber = subscribers.get(facts.serial) ?? null;
    const wasRenewed = renewed.has(facts.serial);
    if (!wasRenewed && !decide({ certificate: facts, subscriber, hasPrivateKey: true }, campaign, now, calendar).eligible) continue;
    counted.push({ serial: facts.serial, subscriber, province: subscriber?.province ?? NO_PROVINCE, renewed: wasRenewed });
  }
  return counted;
}

/** `inScope` limits every figure to some provinces (a supervisor's); by default, all of them. */
export async function buildReport(store: CentralStore, campaign: Campaign, now: Date, inScope: (province: string) => boolean = () => true): Promise<Report> {
  const [counted, renewals, refusals, decisions, chains] = await Promise.all([
    countedCertificates(store, campaign, now),
    store.renewalCounts(),
    store.refusalCounts(),
    store.decisions(),
    store.kioskChains(),
  ]);

  const total = tallyFor(new Map(), 'total', true);
  const byProvince = new Map<string, Tally>();
  const byHardware = new Map<string, Tally>();
  const byChannel = new Map<string, Tally>();
  const perDay = new Map<string, number>();

  for (const c of counted) {
    if (!inScope(c.province)) continue;
    for (const t of [total, tallyFor(byProvince, c.province, true)]) {
      t.eligibleKnown! += 1;
      if (!c.renewed) t.remaining! += 1;
    }
  }
  for (const r of renewals) {
    if (!inScope(r.province)) continue;
    for (const t of [total, tallyFor(byProvince, r.province, true), tallyFor(byHardware, r.hardwareVersion, false), tallyFor(byChannel, r.channel, false)]) {
      t.renewed += r.count;
    }
    perDay.set(r.day, (perDay.get(r.day) ?? 0) + r.count);
  }
  // Refusals by reason: the kiosks' latest decision on each certificate (check.decided events),
  // so certificates no renewal ever reached count too. Only the centre's own refusals know the
  // token's hardware version.
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
    campaign: campaign.id,
    generatedAt: now.toISOString(),
    total: { key: 'total', ...total },
    byProvince: sorted(byProvince),
    byHardwareVersion: sorted(byHardware),
    byChannel: sorted(byChannel),
    kiosks: chains.filter((k) => inScope(k.province)).map((k) => ({
      ...k,
      notSyncedSeconds: k.lastSeenAt === null ? null : Math.max(0, Math.floor((now.getTime() - Date.parse(k.lastSeenAt)) / 1000)),
    })),
    renewalsPerDay: [...perDay.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([date, n]) => ({ date, renewed: n })),
  };
}
