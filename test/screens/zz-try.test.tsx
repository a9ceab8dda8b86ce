import { it } from 'vitest';
import { renderAt, KEY } from '../../test/support/ink.js';
import { KioskApp, type KioskEngine } from '../../src/screens/app.js';
import { translator } from '../../src/i18n/catalog.js';
import type { EngineEvent } from '../../src/screens/model.js';
it('renders', async () => {
  let push: (e: EngineEvent) => void = () => {};
  const engine: KioskEngine = { send: (c) => console.log('CMD', JSON.stringify(c)), subscribe: (l) => { push = l; return () => {}; } };
  const app = renderAt(<KioskApp engine={engine} options={{ operator: 'lan', selfService: false, demo: true, canPrint: true }} t={translator('vi')} supportLine="Tổng đài 18008000 nhánh 1" timeZone="Asia/Ho_Chi_Minh" />);
  await app.frameWith('Cắm USB');
  push({ type: 'status', status: { kioskId: 'HN-QUAY-01', online: true, waitingEvents: 2, waitingRenewals: 1, lastSyncAt: null, registryAgeHours: 5, clockSkewWarning: false, unsyncedWarning: false, registryWarning: false } });
  push({ type: 'devices', devices: [{ id: '096e:0807', name: 'Feitian ePass2003', problem: 'driver-missing', module: 'opensc' }, { id: '1234:abcd', name: null, problem: 'unknown-device', module: null }] });
  push({ type: 'demo', demo: { linkUp: true, customers: [{ key: '1', name: 'DN-HAI-DANG', situation: 'eligible', plugged: false }, { key: '2', name: 'HN-REVOKED', situation: 'revoked', plugged: false }] } });
  console.log((await app.frameWith('096e')));
  const tok = { key: '1', label: 'DN-HAI-DANG', serial: 'a1b2c3', manufacturer: 'SoftHSM', model: 'SoftHSM v2', hardwareVersion: 'v5', company: 'Công ty TNHH Hải Đăng', taxCode: '0312345678', pin: { minLength: 4, maxLength: 64, countLow: false, finalTry: false, locked: false, kioskTriesLeft: null },
    certificates: [{ serial: '5f00aa', subject: 'CN=x', commonName: 'x', role: 'end-entity' as const, notBefore: '2018-03-01T02:00:00Z', notAfter: '2020-10-02T09:00:00Z', decision: { eligible: false, reasons: ['NOT_CAPPED', 'REVOKED'] as never, renewalNotAfter: null }, contractEnd: '2022-03-01', renewed: null },
    { serial: '01', subject: 'CN=ca', commonName: 'ca', role: 'ca' as const, notBefore: '2015-03-01T02:00:00Z', notAfter: '2020-10-02T09:00:00Z', decision: null, contractEnd: null, renewed: null }],
    candidate: '5f00aa', unfinished: null, campaign: { id: 'c', capDate: '2020-10-02', issuedBefore: '2019-07-17', timeZone: 'Asia/Ho_Chi_Minh' } };
  push({ type: 'tokens', tokens: [tok] });
  console.log(await app.frameWith('Không thuộc'));
  const ok = { ...tok, certificates: [{ ...tok.certificates[0]!, decision: { eligible: true, reasons: [], renewalNotAfter: '2022-03-01T16:59:59Z' } }] };
  push({ type: 'tokens', tokens: [ok] });
  console.log(await app.frameWith('Thuộc diện'));
  await app.type(KEY.enter, 'v', 'i', 'ă');
  console.log(await app.frameWith('ASCII'));
  await app.type('e', 't', KEY.enter);
  push({ type: 'step', step: { name: 'read', status: 'done', ms: 3 } });
  push({ type: 'step', step: { name: 'pin', status: 'started', ms: 0 } });
  console.log(await app.frameWith('PIN'));
  push({ type: 'outcome', outcome: { status: 'renewed', oldSerial: '5f00aa', newSerial: 'cd02', notAfter: '2022-03-01T16:59:59Z', receiptPath: '/root/.local/share/capbu/receipts/x.txt', timeZone: 'Asia/Ho_Chi_Minh' } });
  console.log(await app.frameWith('Thuế'));
  await app.type(KEY.tab);
  await app.type(KEY.enter, KEY.tab);
  push({ type: 'today', today: { renewed: 12, queued: 3, notEligible: 7, failed: 1 } });
  console.log(await app.frameWith('Hôm nay'));
  app.unmount();
});
