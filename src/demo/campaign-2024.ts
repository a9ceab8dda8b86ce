/**
 * The 2024 wave on a throw-away PKI of the same CA name: Viettel-CA's SHA-1 certificate
 * (13/05/2019–13/05/2024) capped contracts that ran past it, renewed under a new key. With the
 * 2020 campaign it makes the two-wave world of the tests and the demo: one CA name, two old keys.
 */
import { writeCampaign, type WrittenCampaign } from './campaign-files.js';

export const CAMPAIGN_2024 = {
  id: 'viettel-ca-2024',
  name: 'Cấp bù thời hạn chứng thư số Viettel-CA (SHA-1, 2024)',
  timeZone: 'Asia/Ho_Chi_Minh',
  capDate: '2024-05-13',
  issuedBefore: '2024-03-01',
} as const;

/** The SHA-1 CA's own end (16:00 in Hanoi). */
export const CAP_2024 = new Date('2024-05-13T09:00:00Z');

export function writeCampaign2024(directory: string, stem?: string): Promise<WrittenCampaign> {
  return writeCampaign(
    directory,
    CAMPAIGN_2024,
    {
      oldCaNotBefore: new Date('2019-05-13T09:00:00Z'),
      oldCaNotAfter: CAP_2024,
      newCaNotBefore: new Date('2024-03-01T00:00:00Z'),
      newCaNotAfter: new Date('2034-03-01T00:00:00Z'),
    },
    stem,
  );
}
