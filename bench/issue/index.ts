/**
 * bench/issue: `capbu central serve` on loopback with the SQLite store, N enrolled kiosk clients
 * driving complete renewals (POST /v1/renewals with a real certificate and CSR, answer checked)
 * as fast as the centre answers; and, in the same run, the machine's raw RSA-2048 signing rate
 * from `openssl speed -seconds 3 rsa2048` (one process), read again before each measured round.
 * Prints renewals/s, p50/p99 latency and their ratio to the signing rate, per round and the median
 * round. Target: at least 50% of the raw signing rate.
 *
 * BENCH_CLIENTS (default 16) concurrent kiosks; BENCH_RENEWALS (default 9000) renewals measured in
 * BENCH_ROUNDS (default 3) rounds, after BENCH_WARMUP (default 12000) that are not; BENCH_WORKERS
 * (default: every core) centre processes (`--workers`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { x509 } from '../../src/pki/x509.js';
import type { RenewalRequest } from '../../src/central/api.js';
import { enrolmentCodeHash, newCredential } from '../../src/central/credentials.js';
import { addKioskWithCode } from '../../test/support/enrolment.js';
import { openCentralStore } from '../../src/central/storage/open.js';
import { registryCsv } from '../../src/demo/campaign-files.js';
import { generateKeys, issueSubscriber, RSA_ALG, spkiOf } from '../../src/demo/pki.js';
import { CentralClient } from '../../src/sync/client.js';
import { CAP_2020, writeCampaign2020 } from '../../src/demo/campaign-2020.js';
import { startServe } from '../serve.js';
import { figures, ms } from '../stats.js';
import { normalizeSerial } from '../../src/pki/certificate.js';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
const RENEWALS = Number(process.env.BENCH_RENEWALS ?? 9000);
// A service runs for weeks: the first renewals after start, while V8 still compiles the hot
// paths, are not its throughput.
const WARMUP = Number(process.env.BENCH_WARMUP ?? 12000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

interface Round {
  readonly count: number;
  readonly rate: number;
  readonly signRate: number;
  readonly centreCpu: number;
  readonly clientCpu: number;
}
const WORKERS = Number(process.env.BENCH_WORKERS ?? availableParallelism());
const NOW = new Date('2020-06-01T03:00:00Z');

/** sign/s from `openssl speed`'s last line: "rsa 2048 bits 0.000196s 0.000012s 5092.3 83145.3". */
function opensslSignRate(): number {
  const run = spawnSync('openssl', ['speed', '-seconds', '3', 'rsa2048'], { encoding: 'utf8' });
  const line = run.stdout.split('\n').find((l) => /^rsa\s+2048 bits/.test(l));
  const rate = line ? Number(line.trim().split(/\s+/)[5]) : NaN;
  if (!Number.isFinite(rate)) throw new Error(`cannot read openssl speed output: ${run.stdout}${run.stderr}`);
  return rate;
}

/** Fields 3 onwards of a process's /proc stat line (Linux). */
function statFields(pid: number): string[] {
  return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
}

/** The centre's processes: the one started and, with --workers, its workers (field 4 is the parent). */
function centrePids(pid: number): number[] {
  const children = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        return Number(statFields(Number(name))[1]) === pid;
      } catch {
        return false; // gone since the listing
      }
    });
  return [pid, ...children.map(Number)];
}

/** CPU seconds (user + system, every thread) the processes have used so far, from /proc (Linux). */
function cpuSeconds(pids: readonly number[]): number {
  // utime and stime are fields 14 and 15 of stat; statFields starts at field 3.
  return pids.map(statFields).reduce((sum, fields) => sum + Number(fields[11]) + Number(fields[12]), 0) / CLOCK_TICKS;
}
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'capbu-bench-issue-'));
  const { pki, campaignPath, newCaKeyPath: caKey } = await writeCampaign2020(join(dir, 'campaign'));

  // The requests, made before the clock starts: one subscriber key (the centre cannot tell), a
  // certificate and a CSR per renewal, as kiosks would send them.
  const keys = await generateKeys();
  const spki = await spkiOf(keys.publicKey);
  const requests: RenewalRequest[] = [];
  const records = [];
  for (let i = 0; i < WARMUP + RENEWALS; i++) {
    const cert = await issueSubscriber(pki.oldCa, {
      subject: { commonName: `Khách hàng ${i}`, taxCode: `0100${String(i).padStart(6, '0')}`, province: 'Hà Nội' },
      spki,
      notBefore: new Date('2018-03-01T02:00:00Z'),
      notAfter: CAP_2020,
    });
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: cert.subjectName, keys, signingAlgorithm: RSA_ALG });
    const serial = normalizeSerial(cert.serialNumber);
    records.push({ serial, taxCode: `0100${String(i).padStart(6, '0')}`, contractEnd: '2022-12-31', status: 'active' as const, province: 'HN' });
    requests.push({
      idempotencyKey: `bench-renewal-${i}`,
      oldCertificate: Buffer.from(cert.rawData).toString('base64'),
      csr: Buffer.from(csr.rawData).toString('base64'),
      token: { serial: `TK${i}`, manufacturer: 'Feitian', model: 'ePass2003', hardwareVersion: '1.0' },
      operator: 'bench',
      channel: 'counter',
    });
  }
  writeFileSync(join(dir, 'registry.csv'), registryCsv(records));

  const db = join(dir, 'central.db');
  // Enrolled in the store beforehand: the service allows a handful of enrolments a minute per
  // address, and enrolment is not what is measured.
  const credentials: string[] = [];
  const store = await openCentralStore(db, NOW);
  await store.importRegistry(records, NOW.toISOString());
  for (let k = 0; k < CLIENTS; k++) {
    const code = await addKioskWithCode(store, { id: `bench-${k}`, province: 'HN', channel: 'counter' }, NOW);
    const credential = newCredential(`bench-${k}`);
    credentials.push(credential.token);
    await store.enroll(enrolmentCodeHash(code), credential.hash, NOW.toISOString());
  }
  await store.close();

  const server = await startServe({ CAPBU_CAMPAIGN: campaignPath, CAPBU_LOG_LEVEL: 'warn' }, [
    '--ca-key', caKey, '--db', db, '--listen', '127.0.0.1:0', '--now', NOW.toISOString(), '--rate-limit', '1000000',
    '--workers', String(WORKERS),
  ]);
  const latencies: number[] = [];
  const rounds: Round[] = [];
  try {
    const clients: CentralClient[] = [];
    for (const credential of credentials) {
      clients.push(new CentralClient({ server: server.url, credential }));
    }
    let next = 0;
    // Every kiosk renews the next certificate not yet taken, one at a time, until `end`.
    const drive = (end: number, latencies?: number[]) =>
      Promise.all(
        clients.map(async (client) => {
          for (let i = next++; i < end; i = next++) {
            const t0 = process.hrtime.bigint();
            const result = await client.renew(requests[i]!);
            latencies?.push(Number(process.hrtime.bigint() - t0) / 1e6);
            if (result.status !== 'issued') throw new Error(`renewal ${i}: ${result.status}`);
          }
        }),
      );
    await drive(WARMUP);
    const pids = centrePids(server.pid);
    for (let r = 0; r < ROUNDS; r++) {
      // openssl right before each round, while the centre idles: a shared host's speed drifts
      // over minutes, and each round is set against the machine as it was then.
      const signRate = opensslSignRate();
      const end = WARMUP + Math.round((RENEWALS * (r + 1)) / ROUNDS);
      next = WARMUP + Math.round((RENEWALS * r) / ROUNDS);
      const count = end - next;
      const cpuBefore = cpuSeconds(pids);
      const clientCpuBefore = process.cpuUsage();
      const started = process.hrtime.bigint();
      await drive(end, latencies);
      const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
      const used = process.cpuUsage(clientCpuBefore);
      rounds.push({ count, rate: count / elapsed, signRate, centreCpu: cpuSeconds(pids) - cpuBefore, clientCpu: (used.user + used.system) / 1e6 });
    }
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }

  const sorted = [...latencies].sort((a, b) => a - b);
  const p99 = sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))]!;
  const ratios = rounds.map((r) => r.rate / r.signRate);
  const ratio = [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)]!;
  const total = (f: (r: Round) => number) => rounds.reduce((sum, r) => sum + f(r), 0);
  const renewals = total((r) => r.count);
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  console.log(`bench/issue — ${cpus()[0]?.model ?? 'cpu'}, ${availableParallelism()} cores, Node ${process.version}`);
  console.log(`  ${renewals} renewals in ${ROUNDS} rounds (after ${WARMUP} not measured) by ${CLIENTS} concurrent kiosks,`);
  console.log(`  ${WORKERS} centre worker(s), SQLite store, loopback HTTP`);
  console.log(`  round   renewals/s   openssl rsa2048 sign/s   ratio`);
  for (const [i, r] of rounds.entries()) {
    console.log(`  ${String(i + 1).padStart(5)}   ${r.rate.toFixed(1).padStart(10)}   ${r.signRate.toFixed(1).padStart(22)}   ${pct(ratios[i]!).padStart(5)}`);
  }
  console.log(`  latency p50 / p99                ${ms(figures(latencies).median)} / ${ms(p99)}`);
  console.log(`  renewals/s ÷ RSA-2048 sign/s     ${pct(ratio)} (median round; target ≥ 50%: ${ratio >= 0.5 ? 'met' : 'NOT met'})`);
  // The clients share the machine with the centre; per CPU-second of the centre's own processes is
  // the figure that compares with openssl's single-process rate.
  const centreCpu = total((r) => r.centreCpu);
  const perCpu = renewals / centreCpu;
  const signRate = total((r) => r.signRate) / ROUNDS;
  console.log(`  centre CPU per renewal           ${((centreCpu / renewals) * 1e6).toFixed(0)} µs`);
  console.log(`  kiosk clients' CPU per renewal   ${((total((r) => r.clientCpu) / renewals) * 1e6).toFixed(0)} µs`);
  console.log(`  renewals per centre CPU-second   ${perCpu.toFixed(1)}  (${pct(perCpu / signRate)} of the mean signing rate)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
