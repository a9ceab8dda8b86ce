/**
 * `capbu central …`: the centre's side. Every subcommand takes --db DB (an SQLite file path or a
 * postgres:// URL); the store is migrated on open.
 */
import cluster from 'node:cluster';
import { CapbuError } from '../../errors.js';
import { certificatesFromFile, parseCertificate } from '../../pki/certificate.js';
import { parseRegistryCsv } from '../../campaign/registry.js';
import { CHANNELS, KIOSK_ID_PATTERN, type Channel, type Report, type ReportGroup } from '../../central/api.js';
import { DEFAULT_PIN_VARIABLE } from '../../central/ca-key.js';
import { enrolmentCodeHash, newEnrolmentCode } from '../../central/credentials.js';
import { buildReport } from '../../central/report.js';
import { clockFrom, DEFAULT_LISTEN, startCentral } from '../../central/server.js';
import { openCentralStore } from '../../central/storage/open.js';
import type { CentralStore } from '../../central/storage/store.js';
import { reportReady, startWorkers } from '../../central/workers.js';
import { campaignPath, loadCampaign, readInput } from '../files.js';
import { clock, parseCommand, writeJson, writeLine, type Context } from '../context.js';

const USAGE = [
  'capbu central serve --campaign FILE --ca-key KEY --db DB [--listen HOST:PORT] [--backdate SECONDS] [--rate-limit PER_MINUTE] [--ca-pin-env NAME] [--now T] [--workers N] [--db-pool N] [--db-wait SECONDS]',
  'capbu central registry import FILE --db DB',
  'capbu central registry add-certs PATH… --db DB',
  'capbu central kiosk add --id ID --province CODE --channel counter|field|self --db DB [--valid-hours H]',
  'capbu central kiosk add --id ID --role report --db DB [--valid-hours H]',
  'capbu central kiosk reissue ID --db DB [--valid-hours H]',
  'capbu central kiosk revoke ID --db DB',
  'capbu central report --db DB [--campaign FILE] [--json] [--now T]',
].join('; ');

function usage(problem?: string): CapbuError {
  return new CapbuError('USAGE', { problem: problem ? `${problem}; usage: ${USAGE}` : `usage: ${USAGE}` });
}

function requireDb(db: string | undefined): string {
  if (!db) throw usage('--db DB is required');
  return db;
}

async function withStore<T>(db: string, at: Date, work: (store: CentralStore) => Promise<T>): Promise<T> {
  const store = await openCentralStore(db, at);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

async function serve(argv: string[], ctx: Context): Promise<number> {
  const { values } = parseCommand(argv, {
    campaign: { type: 'string' },
    'ca-key': { type: 'string' },
    db: { type: 'string' },
    listen: { type: 'string' },
    backdate: { type: 'string' },
    'rate-limit': { type: 'string' },
    'ca-pin-env': { type: 'string' },
    workers: { type: 'string' },
    'db-pool': { type: 'string' },
    'db-wait': { type: 'string' },
  });
  if (!values['ca-key']) throw usage('--ca-key KEY is required');
  const workers = values.workers === undefined ? 1 : Number(values.workers);
  if (!(Number.isInteger(workers) && workers >= 1)) throw usage('--workers takes a number of processes, at least 1');
  const backdate = values.backdate === undefined ? undefined : Number(values.backdate);
  if (backdate !== undefined && !(Number.isInteger(backdate) && backdate >= 0)) throw usage('--backdate takes whole seconds');
  const perMinute = values['rate-limit'] === undefined ? undefined : Number(values['rate-limit']);
  if (perMinute !== undefined && !(Number.isInteger(perMinute) && perMinute > 0)) throw usage('--rate-limit takes requests per minute per kiosk');
  const dbPool = values['db-pool'] === undefined ? undefined : Number(values['db-pool']);
  if (dbPool !== undefined && !(Number.isInteger(dbPool) && dbPool >= 1)) throw usage('--db-pool takes a number of connections, at least 1');
  const dbWait = values['db-wait'] === undefined ? undefined : Number(values['db-wait']);
  if (dbWait !== undefined && !(Number.isFinite(dbWait) && dbWait > 0)) throw usage('--db-wait takes seconds');
  const campaign = loadCampaign(campaignPath(values.campaign, ctx.env));
  const db = requireDb(values.db);
  const now = clockFrom(values.now === undefined ? undefined : clock(values.now));
  if (workers > 1 && cluster.isPrimary) return serveWorkers(workers, db, now(), campaign.id, ctx);
  const running = await startCentral({
    campaign,
    caKey: values['ca-key'],
    db,
    dbPool,
    dbWaitMs: dbWait === undefined ? undefined : dbWait * 1000,
    listen: values.listen ?? DEFAULT_LISTEN,
    now,
    backdateMs: backdate === undefined ? undefined : backdate * 1000,
    kioskLimit: perMinute === undefined ? undefined : { max: perMinute, timeWindow: 60_000 },
    env: ctx.env,
    pinVariable: values['ca-pin-env'] ?? DEFAULT_PIN_VARIABLE,
    logger: { level: ctx.env.CAPBU_LOG_LEVEL ?? 'info', redact: ['req.headers.authorization'] },
  });
  if (cluster.isWorker) reportReady(running.url);
  else writeLine(ctx.stderr, ctx.t.text('centralListening', { url: running.url, campaign: campaign.id }));
  const stoppedBy = await new Promise<CapbuError | null>((done) => {
    process.once('SIGINT', () => done(null));
    process.once('SIGTERM', () => done(null));
    // A worker whose primary is gone has no one to stop it.
    if (cluster.isWorker) process.once('disconnect', () => done(null));
    void running.stopped.then(done);
  });
  await running.close();
  if (stoppedBy) {
    if (process.connected) process.disconnect();
    throw stoppedBy;
  }
  // The channel to the primary would keep a worker's process alive after its service closed.
  if (process.connected) process.disconnect();
  return 0;
}

/**
 * The primary of `serve --workers N`: it migrates the store once (workers migrating at the same
 * time would race), then starts the workers, which run this same command and do the serving.
 */
async function serveWorkers(count: number, db: string, at: Date, campaignId: string, ctx: Context): Promise<number> {
  await withStore(db, at, async () => undefined);
  const workers = await startWorkers(count);
  if (!workers) return 2;
  writeLine(ctx.stderr, ctx.t.text('centralListening', { url: workers.url, campaign: campaignId }));
  const signalled = new Promise<null>((done) => {
    process.once('SIGINT', () => done(null));
    process.once('SIGTERM', () => done(null));
  });
  const failure = await Promise.race([signalled, workers.failed]);
  await workers.stop();
  if (failure !== null) throw new CapbuError('INTERNAL', { message: failure });
  return 0;
}

/** Every file is read and parsed before anything is stored: a bad path stores nothing. */
function readCertificates(paths: readonly string[]): { serial: string; der: Uint8Array }[] {
  const found: { serial: string; der: Uint8Array }[] = [];
  for (const path of paths) {
    const bytes = readInput(path, 'CERT_FILE_NOT_FOUND');
    const parsed = [];
    for (const der of certificatesFromFile(bytes)) {
      try {
        parsed.push(parseCertificate(der));
      } catch {
        // A PEM file may hold other blocks (keys); a file with no certificate at all is refused below.
      }
    }
    if (parsed.length === 0) throw new CapbuError('CERT_FILE_INVALID', { path });
    for (const facts of parsed) if (!facts.isCa) found.push({ serial: facts.serial, der: facts.der });
  }
  return found;
}

async function registry(argv: string[], ctx: Context): Promise<number> {
  const { values, positionals } = parseCommand(argv, { db: { type: 'string' } }, true);
  const [action, ...paths] = positionals;
  const db = requireDb(values.db);
  const at = clock(values.now);
  if (action === 'import' && paths.length === 1) {
    const records = parseRegistryCsv(readInput(paths[0]!, 'REGISTRY_NOT_FOUND').toString('utf8'));
    const result = await withStore(db, at, (store) => store.importRegistry(records, at.toISOString()));
    writeLine(ctx.stdout, ctx.t.text('centralRegistryImported', { ...result }));
    return 0;
  }
  if (action === 'add-certs' && paths.length > 0) {
    const certificates = readCertificates(paths);
    const result = await withStore(db, at, (store) => store.addCertificates(certificates, at.toISOString()));
    writeLine(ctx.stdout, ctx.t.text('centralCertsAdded', { ...result }));
    return 0;
  }
  throw usage();
}

async function kiosk(argv: string[], ctx: Context): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    {
      db: { type: 'string' },
      id: { type: 'string' },
      province: { type: 'string' },
      channel: { type: 'string' },
      'valid-hours': { type: 'string' },
      role: { type: 'string' },
    },
    true,
  );
  const [action, ...rest] = positionals;
  const db = requireDb(values.db);
  const at = clock(values.now);
  const hours = Number(values['valid-hours'] ?? 72);
  if (!(hours > 0)) throw usage('--valid-hours takes a positive number');
  const code = newEnrolmentCode();
  const expires = new Date(at.getTime() + hours * 3600_000);
  const printCode = () => {
    // Alone on the last line, so scripts can take it with `tail -n 1`.
    writeLine(ctx.stdout, code);
    return 0;
  };
  if (action === 'add' && rest.length === 0) {
    const { id, role = 'kiosk' } = values;
    if (!id || !new RegExp(KIOSK_ID_PATTERN).test(id)) throw usage('--id takes letters, digits, "-" and "_" (at most 64)');
    if (role !== 'kiosk' && role !== 'report') throw usage('--role is kiosk or report');
    // A report credential reads every province's figures: it belongs to no province or channel.
    const province = role === 'report' ? '-' : values.province?.trim();
    const channel = role === 'report' ? '-' : values.channel;
    if (!province) throw usage('--province CODE is required');
    if (role === 'kiosk' && !(CHANNELS as readonly string[]).includes(channel ?? '')) throw usage('--channel is counter, field or self');
    await withStore(db, at, (store) =>
      store.addKiosk({
        id,
        role,
        province,
        channel: channel as Channel,
        enrolmentHash: enrolmentCodeHash(code),
        enrolmentExpires: expires.toISOString(),
        createdAt: at.toISOString(),
      }),
    );
    const added = role === 'report' ? 'centralReporterAdded' : 'centralKioskAdded';
    writeLine(ctx.stdout, ctx.t.text(added, { id, province, channel: channel ?? '', expires: expires.toISOString() }));
    return printCode();
  }
  if (action === 'reissue' && rest.length === 1) {
    const id = rest[0]!;
    const result = await withStore(db, at, (store) => store.reissueKiosk(id, enrolmentCodeHash(code), expires.toISOString()));
    if (result === 'missing') throw new CapbuError('KIOSK_NOT_FOUND', { id });
    if (result === 'enrolled') throw new CapbuError('KIOSK_ENROLLED', { id });
    writeLine(ctx.stdout, ctx.t.text('centralKioskReissued', { id, expires: expires.toISOString() }));
    return printCode();
  }
  if (action === 'revoke' && rest.length === 1) {
    const id = rest[0]!;
    const found = await withStore(db, at, (store) => store.revokeKiosk(id, at.toISOString()));
    if (!found) throw new CapbuError('KIOSK_NOT_FOUND', { id });
    writeLine(ctx.stdout, ctx.t.text('centralKioskRevoked', { id }));
    return 0;
  }
  throw usage();
}

function refusedText(group: ReportGroup): string {
  const entries = Object.entries(group.refused).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? '-' : entries.map(([reason, n]) => `${reason}:${n}`).join(' ');
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

function reportLines(report: Report, ctx: Context): string[] {
  const t = ctx.t;
  const n = (v: number | null) => (v === null ? '-' : String(v));
  const header = (first: string) => [first, t.text('reportEligible'), t.text('reportRenewed'), t.text('reportRemaining'), t.text('reportRefused')];
  const rows = (groups: readonly ReportGroup[]) =>
    groups.map((g) => [g.key, n(g.eligibleKnown), String(g.renewed), n(g.remaining), refusedText(g)]);
  return [
    t.text('reportTitle', { campaign: report.campaign, at: report.generatedAt }),
    '',
    ...table(header(''), rows([{ ...report.total, key: t.text('reportTotal') }])),
    '',
    ...table(header(t.text('reportProvince')), rows(report.byProvince)),
    '',
    ...table(header(t.text('reportHardware')), rows(report.byHardwareVersion)),
    '',
    ...table(header(t.text('reportChannel')), rows(report.byChannel)),
    '',
    ...table([t.text('reportDay'), t.text('reportRenewed')], report.renewalsPerDay.map((d) => [d.date, String(d.renewed)])),
  ];
}

async function report(argv: string[], ctx: Context): Promise<number> {
  const { values } = parseCommand(argv, { db: { type: 'string' }, campaign: { type: 'string' }, json: { type: 'boolean' } });
  const db = requireDb(values.db);
  const at = clock(values.now);
  const campaign = loadCampaign(campaignPath(values.campaign, ctx.env));
  const result = await withStore(db, at, (store) => buildReport(store, campaign, at));
  if (values.json) writeJson(ctx, result);
  else for (const line of reportLines(result, ctx)) writeLine(ctx.stdout, line);
  return 0;
}

const SUBCOMMANDS: Record<string, (argv: string[], ctx: Context) => Promise<number>> = { serve, registry, kiosk, report };

export async function centralCommand(argv: string[], ctx: Context): Promise<number> {
  // An option first (the global --lang, --now come last) means no subcommand was named.
  const [name, ...rest] = argv;
  const named = name !== undefined && !name.startsWith('-');
  const sub = named ? SUBCOMMANDS[name] : undefined;
  if (!sub) throw usage(named ? `unknown subcommand "${name}"` : undefined);
  return sub(rest, ctx);
}

