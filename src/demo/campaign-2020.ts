/**
 * The real 2020 Viettel-CA campaign's dates on a throw-away PKI: the fixed world the tests and
 * benchmarks run in (old CA 2015–2020 capped on 2020-10-02, new CA 2019–2024, cutoff 2019-07-17).
 */
import { writeCampaign, type WrittenCampaign } from './campaign-files.js';
import type { RolloutPlan } from '../campaign/plan.js';

export const CAMPAIGN_2020 = {
  id: 'viettel-ca-2020',
  name: 'Cấp bù thời hạn chứng thư số Viettel-CA',
  timeZone: 'Asia/Ho_Chi_Minh',
  capDate: '2020-10-02',
  issuedBefore: '2019-07-17',
  /**
   * Notice 1311/VTS-SP's rollout: v4 first (phase 1, to measure self-service), then v2 and v5
   * (82.7% of tokens), the remaining versions through account managers and the hotline by 31/05,
   * then 100% of v2, v4 and v5 by 30/07 and 100% of everyone eligible by 30/09.
   */
  plan: {
    phases: [
      { id: '1', from: '2020-03-10', to: '2020-03-31', opens: ['v4'], target: null, targetVersions: ['v4'] },
      { id: '2', from: '2020-04-01', to: '2020-04-30', opens: ['v2', 'v5'], target: null, targetVersions: ['v2', 'v5'] },
      { id: '3', from: '2020-05-01', to: '2020-05-31', opens: 'others', target: null, targetVersions: 'others' },
      { id: '4', from: '2020-06-01', to: '2020-07-30', opens: [], target: 1, targetVersions: ['v2', 'v4', 'v5'] },
      { id: '5', from: '2020-08-01', to: '2020-09-30', opens: [], target: 1, targetVersions: 'all' },
    ],
  } satisfies RolloutPlan,
} as const;

/** The old CA's own end: every certificate it issued is capped here (16:00 in Hanoi). */
export const CAP_2020 = new Date('2020-10-02T09:00:00Z');

export type Campaign2020 = WrittenCampaign;

/** The two CAs' validity: old 2015–2020 (ending on the cap), new 2019–2024. */
export const PKI_2020 = {
  oldCaNotBefore: new Date('2015-10-02T09:00:00Z'),
  oldCaNotAfter: CAP_2020,
  newCaNotBefore: new Date('2019-07-17T00:00:00Z'),
  newCaNotAfter: new Date('2024-07-17T00:00:00Z'),
} as const;

/** Builds the PKI and writes the campaign file, its CA certificates and the new CA's key (writeCampaign). */
export function writeCampaign2020(directory: string, stem?: string): Promise<Campaign2020> {
  return writeCampaign(directory, CAMPAIGN_2020, PKI_2020, stem);
}
