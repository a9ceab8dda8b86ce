/**
 * `capbu central …`: the centre's side. Every subcommand takes --db DB (an SQLite file path or a
 * postgres:// URL); the store is migrated on open.
 */
import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import { CapbuError } from '../../errors.js';
import { certificatesFromFile, parseCertificate } from '../../pki/certificate.js';
import { parseRegistryCsv } from '../../campaign/registry.js';
import { CHANNELS, KIOSK_ID_PATTERN, type Channel, type KioskLine, type Report, type ReportGroup } from '../../central/api.js';
import { DEFAULT_PIN_VARIABLE } from '../../central/hsm-pin.js';
import { enrolmentCodeHash, newEnrolmentCode } from '../../central/credentials.js';
import { buildReport } from '../../central/report.js';
import { caKeysFor } from '../../central/ca-keys.js';
import { homeZone } from '../../campaign/campaigns.js';
import { checkListen, clockFrom, DEFAULT_LISTEN, startCentral } from '../../central/server.js';
import { isPostgresUrl, openCentralStore } from '../../central/storage/open.js';
import type { CentralStore } from '../../central/storage/store.js';
import { reportReady, startWorkers } from '../../central/workers.js';
import { campaignPath, loadCampaigns, readInput } from '../../store/files.js';
import { clock, writeJson, writeLine, type Context } from '../context.js';
import { parseCommand, usageError } from '../parse.js';
import { calendarDate, dateTimeFor } from '../../i18n/dates.js';
import { columns, table, widthOf } from '../wrap.js';
import { planLines, readOverrideKey } from './central-plan.js';

/** For the commands that only read or change what is there: a missing SQLite file is a mistyped path, not a new centre. */
function existingDb(db: string | undefined): string {
  const given = db ?? '';
  if (!isPostgresUrl(given) && !existsSync(given)) throw new CapbuError('CENTRAL_DB_FAILED', { db: given, problem: 'missing' });
  return given;
}

export async function withStore<T>(db: string, at: Date, work: (store: CentralStore) => Promise<T>): Promise<T> {
  const store = await openCentralStore(db, at);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** A whole number of at least `min` from --NAME, or undefined when the option is absent. */
function wholeNumber(values: Record<string, unknown>, name: string, min: number): number | undefined {
  const text = values[name];
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!(Number.isInteger(n) && n >= min)) throw usageError('wholeNumber', { command: 'central serve', option: `--${name}`, min, value: String(text) });
  return n;
}

export async function centralServe(argv: string[], ctx: Context): Promise<number> {
  const { values } = parseCommand(argv, 'central serve');
  // Workers listen through the primary's socket: only the primary tries the port.
  if (cluster.isPrimary) await checkListen(values.listen ?? DEFAULT_LISTEN);
  const workers = wholeNumber(values, 'workers', 1) ?? 1;
  const backdate = wholeNumber(values, 'backdate', 0);
  const perMinute = wholeNumber(values, 'rate-limit', 1);
  const eventQuota = wholeNumber(values, 'event-quota', 1);
  const dbPool = wholeNumber(values, 'db-pool', 1);
  const dbWait = wholeNumber(values, 'db-wait', 1);
  const campaigns = loadCampaigns(campaignPath(values.campaign, ctx.env));
  const caKeys = values['ca-key']!;
  // A key named for no campaign is the operator's to fix before anything starts.
  caKeysFor(campaigns, caKeys);
  const ids = campaigns.campaigns.map((c) => c.id).join(', ');
  const db = values.db!;
  const now = clockFrom(values.now === undefined ? undefined : clock(values.now));
  if (workers > 1 && cluster.isPrimary) return serveWorkers(workers, db, now(), ids, ctx);
  const running = await startCentral({
    campaigns,
    caKeys,
    db,
    dbPool,
    dbWaitMs: dbWait === undefined ? undefined : dbWait * 1000,
    newDatabase: values['new-database'] === true,
    listen: values.listen ?? DEFAULT_LISTEN,
    now,
    backdateMs: backdate === undefined ? undefined : backdate * 1000,
    overrideKey: values['override-key'] === undefined ? null : readOverrideKey(values['override-key']).verifying,
    kioskLimit: perMinute === undefined ? undefined : { max: perMinute, timeWindow: 60_000 },
    eventQuota: eventQuota === undefined ? undefined : { max: eventQuota, windowMs: 3_600_000 },
    trustProxy: values['trust-proxy'],
    env: ctx.env,
    pinVariable: values['ca-pin-env'] ?? DEFAULT_PIN_VARIABLE,
    logger: { level: ctx.env.CAPBU_LOG_LEVEL ?? 'info', redact: ['req.headers.authorization'] },
  });
  const stopped = stopRequested();
  if (cluster.isWorker) reportReady(running.url);
  else writeLine(ctx.stderr, ctx.t.text('centralListening', { url: running.url, campaign: ids }));
  const stoppedBy = await new Promise<CapbuError | null>((done) => {
    void stopped.then(done);
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
 * Resolves on SIGINT or SIGTERM. Listening before the service says it is up: a signal sent the
 * moment "listening on" is read would otherwise find no handler and kill the process outright.
 */
function stopRequested(): Promise<null> {
  return new Promise((done) => {
    process.once('SIGINT', () => done(null));
    process.once('SIGTERM', () => done(null));
  });
}

/**
 * The primary of `serve --workers N`: it migrates the store once (workers migrating at the same
 * time would race), then starts the workers, which run this same command and do the serving.
 */
async function serveWorkers(count: number, db: string, at: Date, campaignIds: string, ctx: Context): Promise<number> {
  await withStore(db, at, async () => undefined);
  const workers = await startWorkers(count);
  if (!workers) return 2;
  const signalled = stopRequested();
  writeLine(ctx.stderr, ctx.t.text('centralListening', { url: workers.url, campaign: campaignIds }));
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

export async function centralRegistryImport(argv: string[], ctx: Context): Promise<number> {
  const { values, positionals } = parseCommand(argv, 'central registry import');
  const at = clock(values.now);
  const records = parseRegistryCsv(readInput(positionals[0]!, 'REGISTRY_NOT_FOUND').toString('utf8'));
  const result = await withStore(values.db!, at, (store) => store.importRegistry(records, at.toISOString()));
  writeLine(ctx.stdout, ctx.t.text('centralRegistryImported', { ...result }));
  return 0;
}

export async function centralRegistryAddCerts(argv: string[], ctx: Context): Promise<number> {
  const { values, positionals } = parseCommand(argv, 'central registry add-certs');
  const at = clock(values.now);
  const certificates = readCertificates(positionals);
  const result = await withStore(values.db!, at, (store) => store.addCertificates(certificates, at.toISOString()));
  writeLine(ctx.stdout, ctx.t.text('centralCertsAdded', { ...result }));
  return 0;
}

/** A one-time enrolment code and when it expires, from --valid-hours. */
function newCode(values: Record<string, unknown>, at: Date, command: string): { code: string; expires: string } {
  const hours = Number(values['valid-hours'] ?? 72);
  if (!(hours > 0)) throw usageError('positiveNumber', { command, option: '--valid-hours', value: String(values['valid-hours']) });
  return { code: newEnrolmentCode(), expires: new Date(at.getTime() + hours * 3600_000).toISOString() };
}

export async function centralKioskAdd(argv: string[], ctx: Context): Promise<number> {
  const command = 'central kiosk add';
  const { values } = parseCommand(argv, command);
  const at = clock(values.now);
  const id = values.id!;
  const role = values.role ?? 'kiosk';
  if (!new RegExp(KIOSK_ID_PATTERN).test(id)) throw usageError('kioskId', { command, value: id });
  if (role !== 'kiosk' && role !== 'report') throw usageError('role', { command, value: role });
  // A report credential reads every province's figures: it belongs to no province or channel.
  const province = role === 'report' ? '-' : (values.province ?? '').trim();
  const channel = role === 'report' ? '-' : (values.channel ?? '');
  if (!province) throw usageError('required', { command, option: '--province', arg: 'PROVINCE' });
  if (role === 'kiosk' && !(CHANNELS as readonly string[]).includes(channel)) {
    if (!channel) throw usageError('required', { command, option: '--channel', arg: 'CHANNEL' });
    throw usageError('channel', { command, value: channel });
  }
  const { code, expires } = newCode(values, at, command);
  await withStore(values.db!, at, (store) =>
    store.addKiosk({
      id,
      role,
      province,
      channel: channel as Channel,
      enrolmentHash: enrolmentCodeHash(code),
      enrolmentExpires: expires,
      createdAt: at.toISOString(),
    }),
  );
  if (role === 'report') writeLine(ctx.stdout, ctx.t.text('centralReporterAdded', { id, expires }));
  else writeLine(ctx.stdout, ctx.t.text('centralKioskAdded', { id, province, channel: ctx.t.text(`channel.${channel}`), expires }));
  // Alone on the last line, so scripts can take it with `tail -n 1`.
  writeLine(ctx.stdout, code);
  return 0;
}

export async function centralKioskReissue(argv: string[], ctx: Context): Promise<number> {
  const command = 'central kiosk reissue';
  const { values, positionals } = parseCommand(argv, command);
  const at = clock(values.now);
  const id = positionals[0]!;
  const { code, expires } = newCode(values, at, command);
  const result = await withStore(existingDb(values.db), at, (store) => store.reissueKiosk(id, enrolmentCodeHash(code), expires));
  if (result === 'missing') throw new CapbuError('KIOSK_NOT_FOUND', { id });
  if (result === 'enrolled') throw new CapbuError('KIOSK_ENROLLED', { id });
  writeLine(ctx.stdout, ctx.t.text('centralKioskReissued', { id, expires }));
  writeLine(ctx.stdout, code);
  return 0;
}

export async function centralKioskRevoke(argv: string[], ctx: Context): Promise<number> {
  const { values, positionals } = parseCommand(argv, 'central kiosk revoke');
  const at = clock(values.now);
  const id = positionals[0]!;
  const found = await withStore(existingDb(values.db), at, (store) => store.revokeKiosk(id, at.toISOString()));
  if (!found) throw new CapbuError('KIOSK_NOT_FOUND', { id });
  writeLine(ctx.stdout, ctx.t.text('centralKioskRevoked', { id }));
  return 0;
}

export async function centralKioskList(argv: string[], ctx: Context): Promise<number> {
  const { values } = parseCommand(argv, 'central kiosk list');
  const at = clock(values.now);
  const chains = await withStore(existingDb(values.db), at, (store) => store.kioskChains());
  if (values.json) writeJson(ctx, chains);
  else for (const line of kioskLines(chains, at, ctx)) writeLine(ctx.stdout, line);
  return 0;
}


function refusedText(group: ReportGroup): string {
  const entries = Object.entries(group.refused).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? '-' : entries.map(([reason, n]) => `${reason}:${n}`).join(' ');
}

/** A table under a rule of dashes, fitted to the terminal. */
function ruled(header: string[], rows: string[][], width: number | null): string[] {
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => columns(r[i] ?? ''))));
  return table([header, widths.map((w) => '-'.repeat(w)), ...rows], width);
}

/** One line per kiosk: its journal as the centre holds it, and how long it has not synced. */
function kioskLines(chains: readonly Omit<KioskLine, 'notSyncedSeconds'>[], at: Date, ctx: Context): string[] {
  const t = ctx.t;
  const hours = (seen: string | null) => (seen === null ? t.text('never') : t.text('ago', { hours: Math.floor((at.getTime() - Date.parse(seen)) / 3_600_000) }));
  return ruled(
    [t.text('kioskId'), t.text('reportProvince'), t.text('reportChannel'), t.text('kioskLastSeen'), t.text('kioskEvents'), t.text('kioskChain')],
    chains.map((k) => [
      k.id + (k.revokedAt ? ` (${t.text('kioskRevoked')})` : ''),
      k.province,
      t.text(`channel.${k.channel}`),
      hours(k.lastSeenAt),
      `${k.acknowledgedSeq}/${k.events}`,
      k.chainOk ? t.text('kioskChainOk') : `${t.text('kioskChainGaps')} ${k.gaps.map(([a, b]) => `${a}-${b}`).join(' ')}`,
    ]),
    widthOf(ctx.stdout, ctx.env),
  );
}

function reportLines(report: Report, ctx: Context, zone: string): string[] {
  const t = ctx.t;
  const width = widthOf(ctx.stdout, ctx.env);
  const table = (header: string[], rows: string[][]) => ruled(header, rows, width);
  const n = (v: number | null) => (v === null ? '-' : String(v));
  const header = (first: string) => [first, t.text('reportEligible'), t.text('reportRenewed'), t.text('reportRemaining'), t.text('reportRefused')];
  const rows = (groups: readonly ReportGroup[]) =>
    groups.map((g) => [g.key, n(g.eligibleKnown), String(g.renewed), n(g.remaining), refusedText(g)]);
  return [
    t.text('reportTitle', { campaign: report.campaign, at: dateTimeFor(report.generatedAt, zone) }),
    '',
    ...table(header(''), rows([{ ...report.total, key: t.text('reportTotal') }])),
    '',
    ...table(header(t.text('reportProvince')), rows(report.byProvince)),
    '',
    ...table(header(t.text('reportHardware')), rows(report.byHardwareVersion)),
    '',
    ...table(header(t.text('reportChannel')), rows(report.byChannel.map((g) => ({ ...g, key: t.text(`channel.${g.key}`) })))),
    '',
    ...table([t.text('reportDay'), t.text('reportRenewed')], report.renewalsPerDay.map((d) => [calendarDate(d.date), String(d.renewed)])),
    '',
    ...table([t.text('reportCampaign'), t.text('reportEligible'), t.text('reportRenewed')], report.campaigns.map((c) => [c.campaign, String(c.eligibleKnown), String(c.renewed)])),
    '',
    // Each campaign's own plan, under its name.
    ...report.campaigns.flatMap((c) => (c.plan ? [t.text('reportCampaignPlan', { name: c.name, id: c.campaign }), ...planLines(c.plan, ctx, table), ''] : [])),
    ...kioskLines(report.kiosks, new Date(report.generatedAt), ctx),
  ];
}

export async function centralReport(argv: string[], ctx: Context): Promise<number> {
  const { values } = parseCommand(argv, 'central report');
  const db = existingDb(values.db!);
  const at = clock(values.now);
  const campaigns = loadCampaigns(campaignPath(values.campaign, ctx.env));
  const result = await withStore(db, at, (store) => buildReport(store, campaigns, at, values['campaign-id']));
  if (values.json) writeJson(ctx, result);
  else for (const line of reportLines(result, ctx, homeZone(campaigns))) writeLine(ctx.stdout, line);
  return 0;
}
