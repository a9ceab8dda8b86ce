/** A token as the kiosk engine reports it to the screens, for tests of the screens alone. */
import type { CertificateView, PinView, TokenView } from '../../src/screens/model.js';

export const PIN: PinView = { minLength: 8, maxLength: 12, countLow: false, finalTry: false, locked: false, kioskTriesLeft: null };

/** A subscriber certificate of the old CA, eligible unless `over` says otherwise. */
export function certificateView(over: Partial<CertificateView> = {}): CertificateView {
  return {
    serial: 'ab01',
    subject: 'CN=A',
    commonName: 'A',
    role: 'end-entity',
    notBefore: '2018-03-01T02:00:00Z',
    notAfter: '2020-10-02T09:00:00Z',
    decision: { eligible: true, reasons: [], renewalNotAfter: '2022-03-01T16:59:59Z' },
    contractEnd: '2022-03-01',
    taxCode: '0101234567',
    registryTaxCode: '0101234567',
    renewed: null,
    ...over,
  };
}

export function tokenView(key: string, over: Partial<TokenView> = {}): TokenView {
  return {
    key,
    label: `TOKEN-${key}`,
    serial: key,
    manufacturer: 'SoftHSM project',
    model: 'SoftHSM v2',
    hardwareVersion: null,
    company: 'Công ty A',
    taxCode: '0101234567',
    pin: PIN,
    certificates: [certificateView()],
    candidate: 'ab01',
    unfinished: null,
    campaign: { id: 'c', capDate: '2020-10-02', issuedBefore: '2019-07-17', timeZone: 'Asia/Ho_Chi_Minh' },
    ...over,
  };
}
