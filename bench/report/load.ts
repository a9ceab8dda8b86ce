/**
 * A national-scale campaign for bench/report, written straight into a centre's tables (schema
 * from the real migrations) in big transactions: subscribers across 63 provinces, their known
 * certificates with their standing, renewals (with their claims), kiosks, each kiosk's
 * hash-chained journal (check.decided for every certificate checked, the renewal's steps, and the
 * everyday events around them), the latest decision per certificate, the centre's own refusals,
 * and the progress counts — tallied here as the rows are made, so the bench can check that the
 * pages show exactly what was loaded.
 *
 * Certificates' DER: one real certificate of the old CA stands for all of them (signing a million
 * would take the bench's whole budget); their standing is computed here with the campaign's own
 * renewalNotAfter() and stored as decided for this campaign, so nothing is parsed when the centre
 * starts. What the pages read (standing columns and counts) is exactly what the centre keeps.
 */
import { campaignSet } from '../../src/campaign/campaigns.js';
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Campaign } from '../../src/campaign/campaign.js';
import { renewalNotAfter } from '../../src/campaign/decide.js';
import { openingPhase } from '../../src/campaign/plan.js';
import type { SubscriberRecord, SubscriberStatus } from '../../src/campaign/registry.js';
import { campaignFingerprint } from '../../src/central/progress/standing.js';
import { rememberingCalendar } from '../../src/central/remembering-calendar.js';
import { seal, ZERO_HASH } from '../../src/journal/format.js';
import { RENEWAL_COLUMNS } from '../../src/central/storage/rows.js';
import { planStandingCounts, planVersion, standingCounts } from '../../src/central/storage/progress-plans.js';
import { parseCertificate } from '../../src/pki/certificate.js';
import { authorityKeyIdOf } from '../../src/pki/key-identifier.js';
import { seeded } from '../../test/support/fault-proxy.js';

export interface Scale {
  readonly subscribers: number;
  readonly renewals: number;
  readonly kiosks: number;
  readonly events: number;
}

export const NATIONAL: Scale = { subscribers: 1_000_000, renewals: 600_000, kiosks: 2000, events: 10_000_000 };

export function scaled(factor: number): Scale {
  return {
    subscribers: Math.max(200, Math.round(NATIONAL.subscribers * factor)),
    renewals: Math.max(100, Math.round(NATIONAL.renewals * factor)),
    kiosks: Math.max(PROVINCES.length, Math.round(NATIONAL.kiosks * factor)),
    events: Math.max(2000, Math.round(NATIONAL.events * factor)),
  };
}

export const PROVINCES = Array.from({ length: 63 }, (_, i) => `P${String(i + 1).padStart(2, '0')}`);
const CHANNELS = ['counter', 'counter', 'counter', 'counter', 'counter', 'counter', 'counter', 'field', 'field', 'self'] as const;
const HARDWARE = ['1.0', '1.0', '2.0', '2.1', '3.0'];
const FILLER = ['token.plugged', 'token.removed', 'operator.signedIn', 'operator.signedOut', 'registry.pulled', 'pin.failed', 'error'] as const;

/** The bench's clock: the campaign under way, two days before the cap. */
export const BENCH_NOW = new Date('2020-09-30T03:00:00.000Z');
const FIRST_DAY = Date.parse('2020-06-01T01:00:00.000Z');
const SPAN_MS = BENCH_NOW.getTime() - 3 * 86_400_000 - FIRST_DAY;
/** Kiosks that stopped syncing: silent for three days. */
const STALE_SHARE = 0.05;

const hex = (text: string) => createHash('sha256').update(text).digest('hex');
const DAY_MS = 86_400_000;
const dateText = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** What the pages must show, tallied from the rows as they are made. */
export interface Expected {
  readonly eligibleKnown: number;
  readonly renewed: number;
  readonly remaining: number;
  readonly refusedCertificates: number;
  readonly perProvinceRemaining: Map<string, number>;
  /** The rollout plan's eligible known: renewed, or the grant not ended. */
  readonly planEligibleKnown: number;
}

export interface LoadTimes {
  readonly table: string;
  readonly rows: number;
  readonly seconds: number;
}

type Insert = (table: string, columns: readonly string[], rows: Iterable<unknown[]>) => number;

/** Inserts with one prepared statement per table, a transaction per 50 000 rows. */
export function sqliteInserter(db: Database.Database): Insert {
  return (table, columns, rows) => {
    const statement = db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
    let batch: unknown[][] = [];
    let n = 0;
    const flush = db.transaction((list: unknown[][]) => {
      for (const r of list) statement.run(...r);
    });
    for (const r of rows) {
      batch.push(r);
      if (batch.length === 50_000) {
        flush(batch);
        n += batch.length;
        batch = [];
      }
    }
    flush(batch);
    return n + batch.length;
  };
}

/**
 * Loads the campaign into an SQLite centre whose schema the real migrations made. Returns the
 * figures the pages must show and how long each table took.
 */
export function loadCampaignInto(db: Database.Database, campaign: Campaign, scale: Scale, templateDer: Uint8Array, progress: (line: string) => void): { expected: Expected; times: LoadTimes[] } {
  const insert = sqliteInserter(db);
  const times: LoadTimes[] = [];
  const timed = (table: string, columns: readonly string[], rows: Iterable<unknown[]>) => {
    const start = process.hrtime.bigint();
    const n = insert(table, columns, rows);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    times.push({ table, rows: n, seconds });
    progress(`  ${table}: ${n} rows in ${seconds.toFixed(1)} s`);
  };
  // Seeded, so every run loads the same campaign.
  const rand = seeded(20201002);
  const calendar = rememberingCalendar(campaign.timeZone);
  const loadedAt = new Date(FIRST_DAY - DAY_MS).toISOString();
  const template = Buffer.from(templateDer).toString('base64');
  // Stored under their issuer's key, as the centre stores certificates it is given now.
  const issuerKey = authorityKeyIdOf(parseCertificate(templateDer));
  const counts = new Map<string, number>();
  const count = (kind: string, province: string, a: string, b: string, n = 1) => {
    const key = JSON.stringify([kind, province, a, b]);
    counts.set(key, (counts.get(key) ?? 0) + n);
  };
  const planCounts = new Map<string, number>();
  const countPlan = (kind: string, key: string, version: string, a: string, b: string, n = 1) => {
    const k = JSON.stringify([kind, key, version, a, b]);
    planCounts.set(k, (planCounts.get(k) ?? 0) + n);
  };

  // Provinces of unequal size, as Vietnam's are.
  const weights = PROVINCES.map((_, i) => 1 + ((i * 37) % 11));
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const pickProvince = () => {
    let r = rand() * totalWeight;
    for (let i = 0; i < weights.length; i++) if ((r -= weights[i]!) < 0) return i;
    return weights.length - 1;
  };

  // Kiosks: at least one per province, the rest spread by size.
  const kioskProvince = Array.from({ length: scale.kiosks }, (_, k) => (k < PROVINCES.length ? k : pickProvince()));
  const kioskChannel = kioskProvince.map(() => CHANNELS[Math.floor(rand() * CHANNELS.length)]!);
  const kiosksOf: number[][] = PROVINCES.map(() => []);
  kioskProvince.forEach((p, k) => kiosksOf[p]!.push(k));
  const kioskId = (k: number) => `K${String(k).padStart(5, '0')}`;

  // Subscribers and their standing.
  const n = scale.subscribers;
  const province = new Uint8Array(n);
  const status: SubscriberStatus[] = new Array(n);
  const contractEnd: string[] = new Array(n);
  const until: (string | null)[] = new Array(n);
  const renewedBy = new Int32Array(n).fill(-1);
  let renewals = 0;
  const cap = Date.parse(`${campaign.capDate}T00:00:00Z`);
  // The centre knows no token's hardware version before its renewal: the plan's opening for unknown versions.
  const opensOn = campaign.plan ? (openingPhase(campaign.plan, null)?.from ?? null) : undefined;
  const from = opensOn === undefined ? new Date(0).toISOString() : opensOn === null ? null : calendar.instantOf(opensOn, [0, 0, 0]).toISOString();
  for (let i = 0; i < n; i++) {
    province[i] = pickProvince();
    const r = rand();
    status[i] = r < 0.02 ? 'revoked' : r < 0.03 ? 'suspended' : 'active';
    // Contracts end from a month before the cap to three years after it.
    contractEnd[i] = dateText(cap - 30 * DAY_MS + Math.floor(rand() * 1200) * DAY_MS);
    const record: SubscriberRecord = { serial: '', taxCode: '', contractEnd: contractEnd[i]!, status: status[i]!, province: PROVINCES[province[i]!]! };
    const eligible = from !== null && status[i] === 'active' && contractEnd[i]! > campaign.capDate;
    until[i] = eligible ? renewalNotAfter(record, campaign, calendar).toISOString() : null;
    if (eligible && renewals < scale.renewals && rand() < 0.75) {
      const ks = kiosksOf[province[i]!]!;
      renewedBy[i] = ks[Math.floor(rand() * ks.length)]!;
      renewals++;
    }
  }
  // The token each renewal reports: the registry names none, so the plan goes by it.
  const hardware = () => HARDWARE[Math.floor(rand() * HARDWARE.length)]!;
  const tokenVersion = Array.from(renewedBy, (k) => (k >= 0 ? hardware() : null));
  const serial = (i: number) => (0x10000000 + i).toString(16);
  const newSerial = (i: number) => (0x40000000 + i).toString(16);
  const taxCode = (i: number) => `01${String(i).padStart(8, '0')}`;

  timed(
    'subscribers',
    ['serial', 'tax_code', 'contract_end', 'status', 'province', 'version', 'updated_at'],
    (function* () {
      for (let i = 0; i < n; i++) yield [serial(i), taxCode(i), contractEnd[i], status[i], PROVINCES[province[i]!], 1, loadedAt];
    })(),
  );
  db.prepare("UPDATE meta SET value = 1 WHERE name = 'registry_version'").run();

  let eligibleKnown = 0;
  let planEligibleKnown = 0;
  let remaining = 0;
  const perProvinceRemaining = new Map<string, number>();
  timed(
    'certificates',
    ['issuer_key', 'serial', 'der', 'added_at', 'pending', 'province', 'eligible_from', 'eligible_until', 'renewed', 'plan_version'],
    (function* () {
      const now = BENCH_NOW.toISOString();
      for (let i = 0; i < n; i++) {
        const p = PROVINCES[province[i]!]!;
        const renewed = renewedBy[i]! >= 0;
        const standingUntil = renewed ? null : until[i]!;
        const standingFrom = standingUntil === null ? null : from;
        for (const change of standingCounts(p, standingFrom, standingUntil, renewed, 1)) count(...change);
        const version = planVersion(null, tokenVersion[i]);
        for (const change of planStandingCounts(issuerKey, version, standingUntil, renewed, 1)) countPlan(...change);
        if (renewed || (standingUntil !== null && standingUntil > now)) planEligibleKnown++;
        const eligibleNow = standingUntil !== null && standingFrom! <= now && standingUntil > now;
        if (renewed || eligibleNow) eligibleKnown++;
        if (eligibleNow) {
          remaining++;
          perProvinceRemaining.set(p, (perProvinceRemaining.get(p) ?? 0) + 1);
        }
        yield [issuerKey, serial(i), template, loadedAt, 0, p, standingFrom, standingUntil, renewed ? 1 : 0, version];
      }
    })(),
  );
  db.prepare('INSERT INTO progress_campaign (id, fingerprint) VALUES (1, ?)').run(campaignFingerprint(campaignSet([campaign])));

  // Who each kiosk checked: the certificates it renewed, and some it had to refuse.
  const checks: number[][] = kioskProvince.map(() => []);
  for (let i = 0; i < n; i++) {
    if (renewedBy[i]! >= 0) checks[renewedBy[i]!]!.push(i);
    else if (until[i] === null && rand() < 0.8) {
      const ks = kiosksOf[province[i]!]!;
      checks[ks[Math.floor(rand() * ks.length)]!]!.push(-1 - i);
    }
  }
  const issuedAt = new Array<string>(n);
  const decisionRows: unknown[][] = [];
  const refusalRows: unknown[][] = [];
  const reasonRows: unknown[][] = [];
  const kioskRows: unknown[][] = [];
  const perKiosk = Math.floor(scale.events / scale.kiosks);
  let refusedCertificates = 0;

  const reasonsOf = (i: number): string[] => {
    const reasons: string[] = [];
    if (status[i] === 'revoked') reasons.push('REVOKED');
    if (status[i] === 'suspended') reasons.push('SUSPENDED');
    if (contractEnd[i]! <= campaign.capDate) reasons.push('CONTRACT_NOT_BEYOND_CAP');
    return reasons;
  };

  // Each renewal is four events (checked, requested, issued, installed), each refusal one; the rest is everyday traffic.
  const eventsOf = checks.map((own) => Math.max(perKiosk, own.reduce((sum, c) => sum + (c >= 0 ? 4 : 1), 0)));
  const staleKiosk = kioskProvince.map((_, k) => k >= PROVINCES.length && rand() < STALE_SHARE);
  const slotTime = (k: number, slot: number) => FIRST_DAY + Math.floor(slot * (((staleKiosk[k] ? SPAN_MS - 3 * DAY_MS : SPAN_MS)) / eventsOf[k]!));
  /** The centre receives each event a minute after the kiosk wrote it. */
  const received = (at: number) => new Date(at + 60_000).toISOString();
  for (let k = 0; k < scale.kiosks; k++) {
    const last = received(slotTime(k, eventsOf[k]! - 1));
    kioskRows.push([kioskId(k), 'kiosk', PROVINCES[kioskProvince[k]!], kioskChannel[k], hex(kioskId(k)), loadedAt, loadedAt, eventsOf[k], last, eventsOf[k]]);
  }
  timed('kiosks', ['id', 'role', 'province', 'channel', 'credential_hash', 'created_at', 'enrolled_at', 'acknowledged_seq', 'last_seen_at', 'stored_events'], kioskRows);

  timed(
    'kiosk_events',
    ['kiosk_id', 'seq', 'at', 'type', 'operator', 'data', 'prev_hash', 'hash', 'received_at'],
    (function* () {
      for (let k = 0; k < scale.kiosks; k++) {
        const id = kioskId(k);
        const channel = kioskChannel[k]!;
        const own = checks[k]!;
        const events = eventsOf[k]!;
        let prevHash = ZERO_HASH;
        let seq = 0;
        let next = 0;
        let pendingSteps: { type: string; data: Record<string, string | boolean | string[]> }[] = [];
        /** Slots the kiosk's own checks and renewal steps still need: once no slot is spare, no filler. */
        let needed = own.reduce((sum, c) => sum + (c >= 0 ? 4 : 1), 0);
        const operator = `nv.${id.toLowerCase()}`;
        for (let left = events; left > 0; left--) {
          const written = slotTime(k, events - left);
          const at = new Date(written).toISOString();
          let type: string;
          let data: Record<string, string | boolean | string[]>;
          // Spread the checks evenly through the kiosk's days; a renewal's steps follow its check.
          if (pendingSteps.length > 0) {
            ({ type, data } = pendingSteps.shift()!);
            if (type === 'renewal.issued') issuedAt[Number(data.index)] = at;
            delete data.index;
            needed--;
          } else if (next < own.length && (events - left >= Math.floor((next * events) / own.length) || left <= needed)) {
            needed--;
            const c = own[next++]!;
            const i = c >= 0 ? c : -1 - c;
            const certificateSerial = serial(i);
            const reasons = c >= 0 ? [] : reasonsOf(i);
            type = 'check.decided';
            data = { tokenSerial: `T${i}`, certificateSerial, campaign: campaign.id, eligible: c >= 0, reasons };
            decisionRows.push([certificateSerial, id, seq + 1, at, c >= 0 ? 1 : 0, JSON.stringify(reasons), PROVINCES[province[i]!], channel]);
            if (c < 0) {
              refusedCertificates++;
              count('refused', PROVINCES[province[i]!]!, channel, JSON.stringify(reasons));
            } else {
              pendingSteps = [
                { type: 'renewal.requested', data: { certificateSerial } },
                { type: 'renewal.issued', data: { certificateSerial, serial: newSerial(i), index: String(i) } },
                { type: 'renewal.installed', data: { certificateSerial, serial: newSerial(i) } },
              ];
            }
          } else {
            type = FILLER[Math.floor(rand() * FILLER.length)]!;
            data = type === 'error' ? { command: 'check', code: 'NO_TOKEN' } : type === 'registry.pulled' ? { version: '1' } : { tokenSerial: `T${k}-${left % 97}` };
          }
          const e = seal({ seq: ++seq, at, type, operator, data, prevHash });
          prevHash = e.hash;
          yield [id, e.seq, e.at, e.type, e.operator, JSON.stringify(e.data), e.prevHash, e.hash, received(written)];
        }
      }
    })(),
  );

  timed(
    'renewals',
    [...RENEWAL_COLUMNS, 'plan_version'],
    (function* () {
      for (let i = 0; i < n; i++) {
        const k = renewedBy[i]!;
        if (k < 0) continue;
        const p = PROVINCES[province[i]!]!;
        const at = issuedAt[i]!;
        const hw = tokenVersion[i]!;
        const day = calendar.dateOf(new Date(at));
        count('day', p, day, '');
        count('renewed', p, kioskChannel[k]!, hw);
        countPlan('renewed', issuerKey, planVersion(null, hw), day, kioskChannel[k]!);
        const values: Record<(typeof RENEWAL_COLUMNS)[number], unknown> = {
          issuer_key: issuerKey, old_serial: serial(i), old_certificate_hash: hex(`old ${i}`), kiosk_id: kioskId(k), idempotency_key: `key-${i}`,
          request_hash: hex(`request ${i}`), serial: newSerial(i), certificate: template, not_before: at, not_after: until[i],
          issued_at: at, issued_day: day, province: p, channel: kioskChannel[k], hardware_version: hw, token_serial: `T${i}`,
          token_manufacturer: 'Feitian', token_model: 'ePass2003', operator: `nv.${kioskId(k).toLowerCase()}`,
        };
        yield [...RENEWAL_COLUMNS.map((c) => values[c]), planVersion(null, hw)];
      }
    })(),
  );
  timed(
    'renewal_claims',
    ['issuer_key', 'old_serial', 'kiosk_id', 'idempotency_key', 'request_hash', 'claimed_at', 'serial'],
    (function* () {
      for (let i = 0; i < n; i++) if (renewedBy[i]! >= 0) yield [issuerKey, serial(i), kioskId(renewedBy[i]!), `key-${i}`, hex(`request ${i}`), issuedAt[i], newSerial(i)];
    })(),
  );
  // The centre's own refusals: one refused certificate in fifty was also sent for renewal.
  for (const row of decisionRows) {
    if (row[4] === 1 || rand() >= 0.02) continue;
    const [certificateSerial, id, , at, , reasons, p, channel] = row as [string, string, number, string, number, string, string, string];
    const key = `refused-${certificateSerial}`;
    const hw = hardware();
    refusalRows.push([id, key, hex(key), certificateSerial, p, channel, hw, at]);
    for (const reason of JSON.parse(reasons) as string[]) {
      reasonRows.push([id, key, reason]);
      count('refusedHw', p, hw, reason);
    }
  }
  timed('decisions', ['certificate_serial', 'kiosk_id', 'seq', 'at', 'eligible', 'reasons', 'province', 'channel'], decisionRows);
  timed('refusals', ['kiosk_id', 'idempotency_key', 'request_hash', 'old_serial', 'province', 'channel', 'hardware_version', 'refused_at'], refusalRows);
  timed('refusal_reasons', ['kiosk_id', 'idempotency_key', 'reason'], reasonRows);
  timed(
    'progress_counts',
    ['kind', 'province', 'a', 'b', 'n'],
    [...counts].map(([key, value]) => [...(JSON.parse(key) as string[]), value]),
  );
  timed(
    'plan_counts',
    ['kind', 'issuer_key', 'version', 'a', 'b', 'n'],
    [...planCounts].map(([key, value]) => [...(JSON.parse(key) as string[]), value]),
  );
  return { expected: { eligibleKnown, planEligibleKnown, renewed: renewals, remaining, refusedCertificates, perProvinceRemaining }, times };
}
