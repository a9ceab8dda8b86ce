/**
 * `capbu doctor [--json]`: what the hotline asks a clerk first, answered by the machine. One
 * ✔/✖ line per check with what to do; exit 0 when all pass, 1 when any fails. Nothing secret is
 * read out: the credential is checked, never printed, and no PIN is involved.
 */
import { existsSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { CapbuError } from '../../errors.js';
import { dataDir } from '../../store/data-dir.js';
import { unsentEvents } from '../../store/journal.js';
import { unansweredRenewals } from '../../store/renewals.js';
import { loadSettings, type KioskSettings } from '../../store/settings.js';
import { openStore, type Store } from '../../store/store.js';
import { CentralClient } from '../../sync/client.js';
import { credentialPath, loadCredential } from '../../sync/credential.js';
import { catalogue, type Catalogue } from '../../token/catalogue.js';
import { installedPath, placeDevice, type Placed } from '../../token/devices.js';
import { chosenModule, loadModule, probeModule } from '../../token/module.js';
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
  /** Words from the catalogue: `doctor.<check>.ok` or `doctor.<check>.fail`. */
  readonly vars: Vars;
}

function found(check: string, ok: boolean, vars: Vars = {}): Finding {
  return { check, ok, vars };
}

function problem(ctx: Context, error: unknown): string {
  return error instanceof CapbuError ? `${error.code}: ${ctx.t.error(error.code, error.details)}` : String((error as Error)?.message ?? error);
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
    const result = await probeModule(path);
    out.push(result.ok ? found('module', true, { path }) : found('module', false, { path, detail: `${result.why}: ${result.detail}` }));
  }
  if (paths.size === 0) out.push(found('module', false, { path: '-', detail: 'none installed' }));
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
  if (placed === null) return [found('usb', true, { detail: 'no sysfs' })];
  if (placed.length === 0) return [found('usb', true, { detail: '0' })];
  return placed.map((p) => {
    const ids = `${p.device.vendorId}:${p.device.productId}`;
    const device = `${p.device.vendor ?? '?'} ${p.device.model ?? ''}`.trim();
    if (!p.entry) return found('usb-unknown', false, { ids, device });
    if (!p.module) return found('usb-driver', false, { ids, device, install: p.spec?.install ?? p.entry.modules.join(', ') });
    return found('usb', true, { detail: `${device} [${ids}] v=${p.device.hardwareVersion} → ${p.module}` });
  });
}

function tokenFinding(ctx: Context, cat: Catalogue): Finding {
  try {
    const picked = pickModule({ flag: undefined, env: ctx.env, listDevices: systemDevices(ctx.env), catalogue: cat });
    const tokens = listTokens(loadModule(picked.module));
    if (tokens.length === 0) return found('tokens', false, { problem: ctx.t.error('NO_TOKEN') });
    return found('tokens', true, { count: tokens.length, labels: tokens.map((t) => t.label).join(', ') });
  } catch (error) {
    return found('tokens', false, { problem: problem(ctx, error) });
  }
}

function campaignFinding(ctx: Context): Finding {
  try {
    const { campaigns } = loadCampaigns(campaignPath(undefined, ctx.env));
    return found('campaign', true, { id: campaigns.map((c) => c.id).join(', ') });
  } catch (error) {
    return found('campaign', false, { problem: problem(ctx, error) });
  }
}

/** The data directory and the credential in it: the kiosk's user only. */
function dataDirFinding(home: string): Finding {
  if (!existsSync(home)) return found('data-dir', false, { path: home, problem: 'missing' });
  const dir = statSync(home);
  if (typeof process.getuid === 'function' && dir.uid !== process.getuid()) return found('data-dir', false, { path: home, problem: 'owner' });
  if ((dir.mode & 0o077) !== 0) return found('data-dir', false, { path: home, problem: `mode ${(dir.mode & 0o777).toString(8)}` });
  const credential = credentialPath(home);
  if (existsSync(credential) && (statSync(credential).mode & 0o077) !== 0) return found('data-dir', false, { path: credential, problem: `mode ${(statSync(credential).mode & 0o777).toString(8)}` });
  return found('data-dir', true, { path: home });
}

function storeFinding(db: Store): Finding {
  const result = db.pragma('integrity_check', { simple: true });
  return result === 'ok' ? found('store', true) : found('store', false, { problem: String(result) });
}

async function centreFindings(ctx: Context, home: string, db: Store | null, now: () => Date): Promise<Finding[]> {
  let saved;
  try {
    saved = loadCredential(home);
  } catch (error) {
    return [found('enrolment', false, { problem: problem(ctx, error) })];
  }
  const out = [found('enrolment', true, { kiosk: saved.kioskId, server: saved.server })];
  const client = new CentralClient({ server: saved.server, credential: saved.credential, timeoutMs: 5000, now });
  const since = db ? ((db.prepare('SELECT version FROM registry_sync WHERE id = 1').pluck().get() as number | undefined) ?? 0) : 0;
  const start = performance.now();
  try {
    const reply = await client.registry(since);
    out.push(found('centre', true, { server: saved.server, ms: Math.round(performance.now() - start) }));
    const skew = reply.time.skewMs;
    if (skew === null) out.push(found('clock', false, { problem: 'no Date header' }));
    else out.push(found('clock', Math.abs(skew) <= CLOCK_MAX_SKEW_MS, { seconds: Math.round(skew / 1000) }));
  } catch (error) {
    out.push(found('centre', false, { server: saved.server, problem: problem(ctx, error) }));
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
    findings.push(found('settings', false, { problem: problem(ctx, error) }));
  }
  const cat = catalogue(settings?.devices ?? []);
  const devices = systemDevices(ctx.env)();
  const placed = devices === null ? null : devices.map((d) => placeDevice(cat, d)).filter((p): p is Placed => p !== null);

  findings.push(...(await moduleFindings(ctx, cat, placed ?? [])));
  findings.push(found('pcscd', await answers(pcscdSocket(ctx.env))));
  findings.push(...usbFindings(placed));
  findings.push(tokenFinding(ctx, cat));
  findings.push(campaignFinding(ctx));
  findings.push(dataDirFinding(home));

  let db: Store | null = null;
  try {
    db = existsSync(home) ? openStore(home) : null;
  } catch (error) {
    findings.push(found('store', false, { problem: problem(ctx, error) }));
  }
  try {
    if (db) findings.push(storeFinding(db));
    findings.push(...(await centreFindings(ctx, home, db, now)));
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
      checks: findings.map((f) => ({ check: f.check, ok: f.ok, ...f.vars, text: ctx.t.text(`doctor.${f.check}.${f.ok ? 'ok' : 'fail'}`, f.vars) })),
    });
  } else {
    for (const f of findings) writeLine(ctx.stdout, `${f.ok ? '✔' : '✖'} ${ctx.t.text(`doctor.${f.check}.${f.ok ? 'ok' : 'fail'}`, f.vars)}`);
  }
  return findings.every((f) => f.ok) ? 0 : 1;
}
