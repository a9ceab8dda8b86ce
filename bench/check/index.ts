/**
 * bench/check: `capbu check --json` end to end and the in-process read-and-decide, on a SoftHSM2
 * token holding five certificates, next to `pkcs11-tool --list-objects` on the same token and a
 * bare `node -e 0`. Targets: the command under 250 ms, read-and-decide under 30 ms.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forgetParsedCertificates } from '../../src/pki/certificate.js';
import { loadCampaigns } from '../../src/store/files.js';
import { writeCampaign2024 } from '../../src/demo/campaign-2024.js';
import { placeCaCertificate, placeCertificate } from '../../src/demo/customer.js';
import { createDemoWorld, DEMO_USER_PIN } from '../../src/demo/world.js';
import { plugDemoToken } from '../../src/demo/shelf.js';
import { inspect } from '../../src/inspection/inspect.js';
import { openStore } from '../../src/store/store.js';
import { findSubscriber } from '../../src/store/registry.js';
import { DEBIAN_SOFTHSM2, loadModule, reinitialiseModule } from '../../src/token/module.js';
import { readToken } from '../../src/token/read.js';
import { listTokens, selectToken } from '../../src/token/slots.js';
import { buildPki } from '../../src/demo/pki.js';
import { ms, time, timeProcess } from '../stats.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const TOKEN = 'DN-HAI-DANG';

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'capbu-bench-check-'));
  const now = new Date();
  const world = await createDemoWorld(dir, now);
  plugDemoToken(world, TOKEN);
  // The world was made in this process: the module sees the plugged token after re-initialising.
  reinitialiseModule(DEBIAN_SOFTHSM2);
  const lib = loadModule(DEBIAN_SOFTHSM2);
  const token = selectToken(listTokens(lib), TOKEN);

  // Five certificates: the customer's, the old and new CA's, the root's, and another CA customer's.
  const extra = await buildPki({ oldCaNotBefore: now, oldCaNotAfter: now, newCaNotBefore: now, newCaNotAfter: now });
  // A third wave beside the demo's two, so the check runs with three campaigns loaded (issue 15).
  await writeCampaign2024(world.env.CAPBU_CAMPAIGN!, 'third-wave');
  const campaigns = loadCampaigns(world.env.CAPBU_CAMPAIGN!);
  if (campaigns.campaigns.length !== 3) throw new Error('bench/check runs with three campaigns');
  placeCaCertificate(lib, token, DEMO_USER_PIN, extra.root, 'root');
  placeCaCertificate(lib, token, DEMO_USER_PIN, extra.oldCa, 'old-ca');
  placeCaCertificate(lib, token, DEMO_USER_PIN, extra.newCa, 'new-ca');
  await placeCertificate(lib, token, DEMO_USER_PIN, {
    subject: { commonName: 'Khách hàng CA khác' },
    issuer: extra.otherCa,
    notBefore: new Date(now.getTime() - 86_400_000),
    notAfter: new Date(now.getTime() + 86_400_000 * 365),
  });
  const count = readToken(lib, token).certificates.length;

  const env = { ...process.env, ...world.env };
  const bin = join(process.cwd(), 'dist/cli/bin.js');
  const command = timeProcess(RUNS, process.execPath, [bin, 'check', '--json', '--token', TOKEN], { env });
  const db = openStore(world.env.CAPBU_HOME!);
  const inProcess = time(RUNS * 10, 5, () => {
    // Each round reads the token as if plugged in for the first time.
    forgetParsedCertificates();
    const contents = readToken(lib, selectToken(listTokens(lib), TOKEN));
    const result = inspect(contents, campaigns, (key) => findSubscriber(db, key), new Date());
    if (!result.candidate?.decision?.eligible) throw new Error('the demo customer should be eligible');
  });
  db.close();
  const pkcs11Tool = timeProcess(
    RUNS,
    'pkcs11-tool',
    ['--module', DEBIAN_SOFTHSM2, '--token-label', TOKEN, '--list-objects', '--type', 'cert'],
    { env },
  );
  const bareNode = timeProcess(RUNS, process.execPath, ['-e', '0'], { env });

  const rows: [string, number, number, string][] = [
    ['capbu check --json (process)', command.median, command.p90, 'target < 250 ms'],
    ['read-and-decide (in process)', inProcess.median, inProcess.p90, 'target < 30 ms'],
    ['pkcs11-tool --list-objects', pkcs11Tool.median, pkcs11Tool.p90, 'peer'],
    ['node -e 0', bareNode.median, bareNode.p90, 'peer'],
  ];
  console.log(`bench/check — Node ${process.version}, SoftHSM2 token with ${count} certificates, ${RUNS} runs (in-process ${RUNS * 10})`);
  console.log(`${'what'.padEnd(32)}${'median'.padStart(10)}${'p90'.padStart(10)}  note`);
  for (const [what, median, p90, note] of rows) console.log(`${what.padEnd(32)}${ms(median).padStart(10)}${ms(p90).padStart(10)}  ${note}`);
  console.log(`ratio capbu check / pkcs11-tool:  ${(command.median / pkcs11Tool.median).toFixed(2)}×`);
  console.log(`ratio capbu check / node -e 0:    ${(command.median / bareNode.median).toFixed(2)}×`);
  console.log(`capbu check above bare Node:      ${ms(command.median - bareNode.median)}`);
}

await main();
