/**
 * `capbu doctor [--json]`: what the hotline asks a clerk first, answered by the machine. One
 * ✔/✖ line per check with what to do; exit 0 when all pass, 1 when any fails. Nothing secret is
 * read out: the credential is checked, never printed, and no PIN is involved.
 */
import { existsSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { CapbuError, type ErrorCode, type ErrorDetails } from '../../errors.js';
import { dataDir } from '../../store/data-dir.js';
import { unsentEvents } from '../../store/journal.js';
import { unansweredRenewals } from '../../store/renewals.js';
import { loadSettings, type KioskSettings } from '../../store/settings.js';
import { openStore, type Store } from '../../store/store.js';
import { CentralClient } from '../../sync/client.js';
import { credentialPath, loadCredential } from '../../sync/credential.js';
import { catalogue, type Catalogue } from '../../token/catalogue.js';
import { installedPath, placeDevice, type Placed } from '../../token/devices.js';
import { chosenModule, openModule } from '../../token/module.js';
import { checkModule } from '../../token/module-check.js';
import { pickModule } from '../../token/pick.js';
import { listTokens } from '../../token/slots.js';
import { systemDevices } from '../../token/usb.js';
import { pcscdSocket } from '../../token/watch.js';
import type { Vars } from '../../i18n/catalog.js';
import { liveClock, writeJson, writeLine, type Context } from '../context.js';
import { parseCommand } from '../parse.js';
import { campaignPath, loadCampaigns } from '../../store/files.js';

/** A registry copy older than this is flagged: the centre's revocations since then are unknown here. */
const REGISTRY_MAX_AGE_MS = 3 * 24 * 3600_000;
const CLOCK_MAX_SKEW_MS = 5 * 60_000;

export interface Finding {
  /** Stable name of the check, for support scripts. */
  readonly check: string;
  readonly ok: boolean;
  /** Values for the catalogue's `doctor.<check>.ok` or `doctor.<check>.fail`: codes and data, never words. */
  readonly vars: Vars;
  /** The error behind a failed check, as a value; the catalogue's errors give its words. */
  readonly error?: { readonly code: ErrorCode; readonly details: ErrorDetails };
}

function found(check: string, ok: boolean, vars: Vars = {}): Finding {
  return { check, ok, vars };
}

function failed(check: string, error: unknown, vars: Vars = {}): Finding {
  const failure = error instanceof CapbuError ? error : new CapbuError('INTERNAL', { message: String((error as Error)?.message ?? error) });
  return { check, ok: false, vars, error: { code: failure.code, details: failure.details } };
}

/** The finding's line, in the chosen language. */
function words(ctx: Context, f: Finding): string {
  const problem = f.error ? ctx.t.error(f.error.code, f.error.details) : undefined;
  return ctx.t.text(`doctor.${f.check}.${f.ok ? 'ok' : 'fail'}`, { ...f.vars, problem });
}

async function moduleFindings(ctx: Context, cat: Catalogue, placed: readonly Placed[]): Promise<Finding[]> {
  const paths = new Set<string>();
  const chosen = chosenModule(undefined, ctx.env);
  if (chosen) paths.add(chosen);
  for (const spec of cat.modules) {
    const path = installedPath(spec);
    if (path) paths.add(path);
  }
  for (const p of placed) if (p.module) paths.add(p.module);
  const out: Finding[] = [];
  for (const path of paths) {
    const result = await checkModule(path);
    // The loader's own message (English, from the system) stays in --json as `detail`.
    out.push(result.ok ? found('module', true, { path }) : found('module', false, { path, why: result.why, detail: result.detail }));
  }
  if (paths.size === 0) out.push(found('module', false, { why: 'none' }));
  return out;
}

/** Whether something accepts connections on the socket (a file left by a crashed pcscd does not). */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

function usbFindings(placed: readonly Placed[] | null): Finding[] {
  if (placed === null) return [found('usb', true, { listed: false })];
  if (placed.length === 0) return [found('usb', true, { count: 0 })];
  return placed.map((p) => {
    const ids = `${p.device.vendorId}:${p.device.productId}`;
    const device = `${p.device.vendor ?? '?'} ${p.device.model ?? ''}`.trim();
    if (!p.entry) return found('usb-unknown', false, { ids, device });
    if (!p.module) return found('usb-driver', false, { ids, device, install: p.spec?.install ?? p.entry.modules.join(', ') });
    return found('usb', true, { device, ids, hardwareVersion: p.device.hardwareVersion ?? undefined, module: p.module });
  });
}

async function tokenFinding(ctx: Context, cat: Catalogue): Promise<Finding> {
  try {
    const picked = pickModule({ flag: undefined, env: ctx.env, listDevices: systemDevices(ctx.env), catalogue: cat });
    // Loaded (or given up on) by the module check already: a module that hangs stays a finding.
    const tokens = listTokens(await openModule(picked.module));
    if (tokens.length === 0) return failed('tokens', new CapbuError('NO_TOKEN'));
    return found('tokens', true, { count: tokens.length, labels: tokens.map((t) => t.label).join(', ') });
  } catch (error) {
    return failed('tokens', error);
  }
}

function campaignFinding(ctx: Context): Finding {
  try {
    const { campaigns } = loadCampaigns(campaignPath(undefined, ctx.env));
    return found('campaign', true, { id: campaigns.map((c) => c.id).join(', ') });
  } catch (error) {
    return failed('campaign', error);
  }
}

/** The data directory and the credential in it: the kiosk's user only. */
function dataDirFinding(home: string): Finding {
  if (!existsSync(home)) return found('data-dir', false, { path: home, why: 'missing' });
  const dir = statSync(home);
  if (typeof process.getuid === 'function' && dir.uid !== process.getuid()) return found('data-dir', false, { path: home, why: 'owner' });
  const mode = (path: string, bits: number) => found('data-dir', false, { path, why: 'mode', mode: (bits & 0o777).toString(8) });
  if ((dir.mode & 0o077) !== 0) return mode(home, dir.mode);
  const credential = credentialPath(home);
  if (existsSync(credential) && (statSync(credential).mode & 0o077) !== 0) return mode(credential, statSync(credential).mode);
  return found('data-dir', true, { path: home });
}

function storeFinding(db: Store): Finding {
  const rows = (db.pragma('integrity_check') as { integrity_check: string }[]).map((row) => row.integrity_check);
  // SQLite's own lines (English) stay in --json as `detail`; the words give their count.
  return rows.length === 1 && rows[0] === 'ok' ? found('store', true) : found('store', false, { why: 'integrity', count: rows.length, detail: rows.join('; ') });
}

async function centreFindings(home: string, db: Store | null, now: () => Date): Promise<Finding[]> {
  let saved;
  try {
    saved = loadCredential(home);
  } catch (error) {
    return [failed('enrolment', error)];
  }
  const out = [found('enrolment', true, { kiosk: saved.kioskId, server: saved.server })];
  const client = new CentralClient({ server: saved.server, credential: saved.credential, timeoutMs: 5000, now });
  const since = db ? ((db.prepare('SELECT version FROM registry_sync WHERE id = 1').pluck().get() as number | undefined) ?? 0) : 0;
  const start = performance.now();
  try {
    const reply = await client.registry(since);
    out.push(found('centre', true, { server: saved.server, ms: Math.round(performance.now() - start) }));
    const skew = reply.time.skewMs;
    if (skew === null) out.push(found('clock', false, { why: 'noDate' }));
    else out.push(found('clock', Math.abs(skew) <= CLOCK_MAX_SKEW_MS, { seconds: Math.round(skew / 1000) }));
  } catch (error) {
    out.push(failed('centre', error, { server: saved.server }));
  }
  return out;
}

function registryFinding(db: Store, now: Date): Finding {
  const row = db.prepare('SELECT version, synced_at FROM registry_sync WHERE id = 1').get() as { version: number; synced_at: string } | undefined;
  if (!row) return found('registry', false, { hours: '-' });
  const age = now.getTime() - new Date(row.synced_at).getTime();
  return found('registry', age <= REGISTRY_MAX_AGE_MS, { version: row.version, hours: Math.max(0, Math.round(age / 3600_000)) });
}

export async function doctorCommand(argv: string[], ctx: Context): Promise<number> {
  const { values } = parseCommand(argv, 'doctor');
  const now = liveClock(values.now);
  const home = dataDir(ctx.env);
  const findings: Finding[] = [];

  let settings: KioskSettings | null = null;
  try {
    settings = loadSettings(home);
  } catch (error) {
    findings.push(failed('settings', error));
  }
  const cat = catalogue(settings?.devices ?? []);
  const devices = systemDevices(ctx.env)();
  const placed = devices === null ? null : devices.map((d) => placeDevice(cat, d)).filter((p): p is Placed => p !== null);

  findings.push(...(await moduleFindings(ctx, cat, placed ?? [])));
  findings.push(found('pcscd', await answers(pcscdSocket(ctx.env))));
  findings.push(...usbFindings(placed));
  findings.push(await tokenFinding(ctx, cat));
  findings.push(campaignFinding(ctx));
  findings.push(dataDirFinding(home));

  let db: Store | null = null;
  try {
    db = existsSync(home) ? openStore(home) : null;
  } catch (error) {
    findings.push(failed('store', error));
  }
  try {
    if (db) findings.push(storeFinding(db));
    findings.push(...(await centreFindings(home, db, now)));
    if (db) {
      findings.push(registryFinding(db, now()));
      // Renewals queued for the centre, and journal events it has not acknowledged.
      const waiting = unansweredRenewals(db).length;
      const events = unsentEvents(db).count;
      findings.push(found('unsynced', waiting === 0 && events === 0, { count: waiting, events }));
    }
  } finally {
    db?.close();
  }

  if (values.json) {
    writeJson(ctx, {
      ok: findings.every((f) => f.ok),
      checks: findings.map((f) => ({ check: f.check, ok: f.ok, ...f.vars, ...(f.error && { code: f.error.code, details: f.error.details }), text: words(ctx, f) })),
    });
  } else {
    for (const f of findings) writeLine(ctx.stdout, `${f.ok ? '✔' : '✖'} ${words(ctx, f)}`);
  }
  return findings.every((f) => f.ok) ? 0 : 1;
}
