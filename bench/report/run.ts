/**
 * bench/report's run: loads the campaign (load.ts) into an SQLite centre and copies it into a
 * loopback PostgreSQL (copy.ts), then, per database, starts the real centre on it and times the
 * overview (GET /v1/report) and a province page (GET /v1/report/provinces/:code) over HTTP on
 * loopback, each request followed by its floor: the bare SQL of the same aggregates, run by the
 * driver on its own connection. Before timing, the pages' figures are checked against what was
 * loaded. Exported for the smoke test (test/report-bench.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { request } from 'undici';
import type { ProvinceProgress, Report } from '../../src/central/api.js';
import { enrolmentCodeHash } from '../../src/central/credentials.js';
import { addAccount } from '../../src/central/dashboard/accounts.js';
import { hashPassword } from '../../src/central/dashboard/passwords.js';
import { DEFAULT_DASHBOARD } from '../../src/central/dashboard/settings.js';
import { startCentral } from '../../src/central/server.js';
import { knownParams } from '../../src/central/progress/reads.js';
import { openCentralStore } from '../../src/central/storage/open.js';
import { POSTGRES, scopedCommand, SQLITE, statements, type Dialect, type Scope } from '../../src/central/storage/statements.js';
import { CAP_2020, writeCampaign2020 } from '../../src/demo/campaign-2020.js';
import { generateKeys, issueSubscriber, spkiOf } from '../../src/demo/pki.js';
import { loadCampaigns } from '../../src/store/files.js';
import { CentralClient } from '../../src/sync/client.js';
import { addKioskWithCode } from '../../test/support/enrolment.js';
import { startPostgres } from '../../test/support/postgres.js';
import { Reader } from '../../test/dashboard/http.js';
import { quantile } from '../stats.js';
import { copyToPostgres } from './copy.js';
import { BENCH_NOW, loadCampaignInto, PROVINCES, type Expected, type LoadTimes, type Scale } from './load.js';

export type Backend = 'sqlite' | 'postgres';

export interface PageFigures {
  readonly page: string;
  readonly p50: number;
  readonly p99: number;
  readonly floorP50: number;
  readonly floorP99: number;
}

export interface BackendResult {
  readonly backend: Backend;
  readonly loadSeconds: number;
  readonly load: readonly LoadTimes[];
  readonly pages: readonly PageFigures[];
}

export interface BenchOptions {
  readonly scale: Scale;
  readonly runs: number;
  readonly backends: readonly Backend[];
  readonly log: (line: string) => void;
}

const BENCH_PASSWORD = 'bench-report-password';

/** The province page measured: one of the larger provinces. */
export const BENCH_PROVINCE = PROVINCES[9]!;

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
const msSince = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

/** The pages timed: the report API's and the dashboard's own, which supervisors open. */
type PageName = 'overview' | 'province' | 'dashboardOverview' | 'dashboardProvince';

/** The statements a page runs, as its floor runs them: [sql, params]. */
function floorQueries(dialect: Dialect, page: PageName): [string, unknown[]][] {
  const sql = statements(dialect);
  const overviewPage = page === 'overview' || page === 'dashboardOverview';
  const scope: Scope = overviewPage ? 'all' : [BENCH_PROVINCE];
  const scoped = (name: Parameters<typeof scopedCommand>[1], params: unknown[]): [string, unknown[]] => {
    const c = scopedCommand(dialect, name, params, scope);
    return [c.sql, c.params];
  };
  return [
    scoped('knownByProvince', knownParams(BENCH_NOW)),
    scoped('renewalsPerDay', []),
    scoped('kinds', []),
    ...((): [string, unknown[]][] => {
      const plan: [string, unknown[]][] = [[sql.planKnown, knownParams(BENCH_NOW)], [sql.planRenewed, []]];
      if (page === 'overview') return [[sql.allKiosks, []], ...plan];
      // The dashboard's overview: the silent kiosks instead of every kiosk's line, and the plan for an admin.
      if (page === 'dashboardOverview') return [scoped('staleKiosks', [new Date(BENCH_NOW.getTime() - DEFAULT_DASHBOARD.unsyncedLimitMs).toISOString()]), ...plan];
      return [[sql.provinceKiosks, [BENCH_PROVINCE]]];
    })(),
  ];
}

type Floor = () => Promise<void>;

function sqliteFloor(path: string, page: PageName): { run: Floor; close: () => void } {
  const db = new Database(path, { readonly: true });
  const prepared = floorQueries(SQLITE, page).map(([text, params]) => [db.prepare(text), params] as const);
  return {
    run: async () => {
      for (const [statement, params] of prepared) statement.all(...params);
    },
    close: () => db.close(),
  };
}

async function postgresFloor(url: string, page: PageName): Promise<{ run: Floor; close: () => Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const queries = floorQueries(POSTGRES, page);
  return {
    run: async () => {
      for (const [text, params] of queries) await client.query(text, params);
    },
    close: () => client.end(),
  };
}

function check(what: string, got: unknown, want: unknown): void {
  if (got !== want) throw new Error(`bench/report: ${what} is ${String(got)}, the loaded campaign has ${String(want)}`);
}

async function measure(backend: Backend, db: string, campaignPath: string, caKey: string, expected: Expected, options: BenchOptions): Promise<PageFigures[]> {
  const running = await startCentral({ campaigns: loadCampaigns(campaignPath), caKeys: [caKey], db, listen: '127.0.0.1:0', now: () => BENCH_NOW, logger: false });
  try {
    const code = await addKioskWithCode(running.services.store, { id: 'BENCH-REPORT', role: 'report', province: PROVINCES[0]!, channel: 'counter' }, BENCH_NOW);
    const { credential } = await new CentralClient({ server: running.url }).enroll(code);
    // An admin of the dashboard, signed in as a supervisor would be, to time the pages themselves.
    const { code: setup } = await addAccount(running.services.store, { name: 'bench.admin', role: 'admin', provinces: [], validHours: 1 }, BENCH_NOW);
    await running.services.store.setPassword(enrolmentCodeHash(setup), await hashPassword(BENCH_PASSWORD), BENCH_NOW.toISOString());
    const browser = new Reader(running.url);
    if ((await browser.login('bench.admin', BENCH_PASSWORD)).status !== 303) throw new Error('bench/report: the dashboard refused the bench admin');
    const get = async (path: string) => {
      if (!path.startsWith('/v1/')) {
        const page = await browser.get(path);
        if (page.status !== 200) throw new Error(`bench/report: GET ${path} answered ${page.status}: ${page.body.slice(0, 300)}`);
        return page.body;
      }
      const reply = await request(`${running.url}${path}`, { headers: { authorization: `Bearer ${credential}` } });
      const text = await reply.body.text();
      if (reply.statusCode !== 200) throw new Error(`bench/report: GET ${path} answered ${reply.statusCode}: ${text.slice(0, 300)}`);
      return text;
    };
    const pages = [
      { page: 'overview (GET /v1/report)', name: 'overview' as const, path: '/v1/report' },
      { page: `province ${BENCH_PROVINCE} (GET /v1/report/provinces/${BENCH_PROVINCE})`, name: 'province' as const, path: `/v1/report/provinces/${BENCH_PROVINCE}` },
      { page: 'dashboard overview (GET /overview)', name: 'dashboardOverview' as const, path: '/overview' },
      { page: `dashboard province (GET /province/${BENCH_PROVINCE})`, name: 'dashboardProvince' as const, path: `/province/${BENCH_PROVINCE}` },
    ];
    const overview = JSON.parse(await get(pages[0]!.path)) as Report;
    check("the campaign's renewed", overview.campaigns[0]?.renewed, expected.renewed);
    check("the campaign's eligible known", overview.campaigns[0]?.eligibleKnown, expected.planEligibleKnown);
    check('renewed', overview.total.renewed, expected.renewed);
    check('remaining', overview.total.remaining, expected.remaining);
    check('eligible', overview.total.eligibleKnown, expected.eligibleKnown);
    for (const g of overview.byProvince) check(`${g.key}'s remaining`, g.remaining, expected.perProvinceRemaining.get(g.key) ?? 0);
    const province = JSON.parse(await get(pages[1]!.path)) as ProvinceProgress;
    check(`${BENCH_PROVINCE}'s remaining`, province.total.remaining, expected.perProvinceRemaining.get(BENCH_PROVINCE) ?? 0);

    const results: PageFigures[] = [];
    for (const p of pages) {
      const floor = backend === 'sqlite' ? sqliteFloor(db, p.name) : await postgresFloor(db, p.name);
      try {
        const page: number[] = [];
        const bare: number[] = [];
        for (let i = -Math.min(5, options.runs); i < options.runs; i++) {
          let start = process.hrtime.bigint();
          await get(p.path);
          const pageMs = msSince(start);
          start = process.hrtime.bigint();
          await floor.run();
          const floorMs = msSince(start);
          if (i >= 0) {
            page.push(pageMs);
            bare.push(floorMs);
          }
        }
        results.push({ page: p.page, p50: quantile(page, 0.5), p99: quantile(page, 0.99), floorP50: quantile(bare, 0.5), floorP99: quantile(bare, 0.99) });
      } finally {
        await floor.close();
      }
    }
    return results;
  } finally {
    await running.close();
  }
}

export async function runReportBench(options: BenchOptions): Promise<BackendResult[]> {
  const { log, scale } = options;
  const dir = mkdtempSync(join(tmpdir(), 'capbu-bench-report-'));
  const postgres = options.backends.includes('postgres') ? await startPostgres() : null;
  try {
    const { pki, campaignPath, newCaKeyPath } = await writeCampaign2020(join(dir, 'campaign'));
    const [campaign] = loadCampaigns(campaignPath).campaigns;
    const keys = await generateKeys();
    const template = await issueSubscriber(pki.oldCa, {
      subject: { commonName: 'Khách hàng mẫu', taxCode: '0100000001', province: 'Hà Nội' },
      spki: await spkiOf(keys.publicKey),
      notBefore: new Date('2018-03-01T02:00:00Z'),
      notAfter: CAP_2020,
    });

    const path = join(dir, 'centre.db');
    await (await openCentralStore(path, BENCH_NOW)).close();
    log(`loading SQLite (${path})`);
    let start = process.hrtime.bigint();
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    const { expected, times } = loadCampaignInto(db, campaign, scale, new Uint8Array(template.rawData), (line) => log(line));
    db.exec('ANALYZE');
    db.close();
    const results: { backend: Backend; db: string; loadSeconds: number; load: LoadTimes[] }[] = [];
    results.push({ backend: 'sqlite', db: path, loadSeconds: seconds(start), load: times });
    log(`  SQLite loaded in ${seconds(start).toFixed(1)} s`);

    if (postgres) {
      const url = await postgres.newDatabase();
      await (await openCentralStore(url, BENCH_NOW)).close();
      log('copying into PostgreSQL');
      start = process.hrtime.bigint();
      const source = new Database(path, { readonly: true });
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const load = await copyToPostgres(source, client, (line) => log(line));
        await client.query('VACUUM ANALYZE');
        results.push({ backend: 'postgres', db: url, loadSeconds: seconds(start), load });
      } finally {
        source.close();
        await client.end();
      }
      log(`  PostgreSQL loaded in ${seconds(start).toFixed(1)} s`);
    }

    const out: BackendResult[] = [];
    for (const r of results.filter((x) => options.backends.includes(x.backend))) {
      log(`measuring on ${r.backend}`);
      out.push({ backend: r.backend, loadSeconds: r.loadSeconds, load: r.load, pages: await measure(r.backend, r.db, campaignPath, newCaKeyPath, expected, options) });
    }
    return out;
  } finally {
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
