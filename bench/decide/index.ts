/**
 * bench/decide: decide() per certificate, in process, on the 2020 campaign's world, with each
 * calendar a caller can hand it: none (decide makes one for the call: the kiosk's `check`), one
 * kept for a whole run (the centre's report) and the centre's remembering calendar (what issuance
 * uses; the rules themselves keep nothing). The floor, in the same run: the old CA's signature
 * check alone, which every decision makes. Certificates are issued at distinct seconds over
 * 2016–2019, as real ones are, so nothing is remembered that a centre would not meet.
 *
 * BENCH_CERTIFICATES (default 1000) decided per round, BENCH_RUNS (default 15) rounds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zoneCalendar, type CalendarDate } from '../../src/campaign/calendar.js';
import { decide, decideAmong, issuedByOldCa, type DecisionInput } from '../../src/campaign/decide.js';
import { rememberingCalendar } from '../../src/central/remembering-calendar.js';
import { CAP_2020, writeCampaign2020 } from '../../src/demo/campaign-2020.js';
import { generateKeys, issueSubscriber, spkiOf } from '../../src/demo/pki.js';
import { parseCertificate } from '../../src/pki/certificate.js';
import { loadCampaigns } from '../../src/store/files.js';
import { CAMPAIGN_2024, writeCampaign2024 } from '../../src/demo/campaign-2024.js';
import { writeCampaign } from '../../src/demo/campaign-files.js';
import { time } from '../stats.js';

const CERTIFICATES = Number(process.env.BENCH_CERTIFICATES ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const NOW = new Date('2020-06-01T03:00:00Z');
/** A third CA key's dates, for the 2025 wave's throw-away PKI. */
const WAVE_2025 = {
  oldCaNotBefore: new Date('2020-09-24T09:00:00Z'),
  oldCaNotAfter: new Date('2025-09-24T09:00:00Z'),
  newCaNotBefore: new Date('2025-06-01T00:00:00Z'),
  newCaNotAfter: new Date('2035-06-01T00:00:00Z'),
};
const FROM = Date.parse('2016-01-01T00:00:00Z');
const TO = Date.parse('2019-07-16T17:00:00Z');

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'capbu-bench-decide-'));
  try {
    // Three campaigns loaded (issue 15): two later waves first, so decideAmong tries both before the 2020 one.
    const set = join(dir, 'campaigns');
    await writeCampaign2024(set, 'a-2024');
    await writeCampaign(set, { ...CAMPAIGN_2024, id: 'viettel-ca-2025', capDate: '2025-09-24' }, WAVE_2025, 'b-2025');
    const { pki } = await writeCampaign2020(set, 'c-2020');
    const campaigns = loadCampaigns(set);
    const campaign = campaigns.campaigns[2]!;
    const spki = await spkiOf((await generateKeys()).publicKey);
    const issued = await issueSubscriber(pki.oldCa, {
      subject: { commonName: 'Khách hàng', taxCode: '0100000001', province: 'Hà Nội' },
      spki,
      notBefore: new Date(FROM),
      notAfter: CAP_2020,
    });
    const base = parseCertificate(new Uint8Array(issued.rawData));
    // One signed certificate, its instants spread: the signature check costs the same for each.
    const inputs: DecisionInput[] = Array.from({ length: CERTIFICATES }, (_, i) => {
      const notBefore = new Date(FROM + Math.floor(((TO - FROM) * i) / CERTIFICATES / 1000) * 1000);
      const year = 2021 + (i % 6);
      const contractEnd = `${year}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}` as CalendarDate;
      return {
        certificate: { ...base, notBefore },
        subscriber: { serial: base.serial, taxCode: '0100000001', contractEnd, status: 'active', province: 'HN' },
        hasPrivateKey: true,
      };
    });

    const round = (decideOne: (input: DecisionInput) => boolean) => () => {
      for (const input of inputs) if (!decideOne(input)) throw new Error('every certificate here is eligible');
    };
    const perCertificate = (ms: number) => (ms * 1000) / CERTIFICATES;
    const kept = zoneCalendar(campaign.timeZone);
    const remembering = rememberingCalendar(campaign.timeZone);
    const rows: [string, number, number][] = [
      ['decide(), a calendar per call', ...figuresOf(round((i) => decide(i, campaign, NOW).eligible))],
      ['decide(), one calendar kept', ...figuresOf(round((i) => decide(i, campaign, NOW, kept).eligible))],
      ["decide(), the centre's calendar", ...figuresOf(round((i) => decide(i, campaign, NOW, remembering).eligible))],
      ['decideAmong(), 3 campaigns, kept', ...figuresOf(round((i) => decideAmong(i, campaigns, NOW, () => kept).eligible))],
      ['floor: signature check alone', ...figuresOf(round((i) => issuedByOldCa(i.certificate, campaign)))],
    ];
    function figuresOf(fn: () => void): [number, number] {
      const f = time(RUNS, 2, fn);
      return [perCertificate(f.median), perCertificate(f.p90)];
    }
    const floor = rows[rows.length - 1]![1];
    console.log(`bench/decide — Node ${process.version}, ${CERTIFICATES} certificates a round, ${RUNS} rounds`);
    console.log(`${'per certificate'.padEnd(34)}${'median'.padStart(10)}${'p90'.padStart(10)}  ÷ floor`);
    for (const [what, median, p90] of rows) {
      console.log(`${what.padEnd(34)}${`${median.toFixed(1)} µs`.padStart(10)}${`${p90.toFixed(1)} µs`.padStart(10)}  ${(median / floor).toFixed(2)}×`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
