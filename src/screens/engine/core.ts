/**
 * What the kiosk app's engine stands on: the campaign, the store, the token watch, and the calls
 * into the core (inspect, renew) for one token at a time. The screens see none of this; the
 * worker turns what happens here into events.
 */
import { heldOverrides } from '../../renewal/overrides.js';
import { execFile } from 'node:child_process';
import { homeZone, type CampaignSet } from '../../campaign/campaigns.js';
import type { Channel } from '../../central/api.js';
import { campaignPath, loadCampaigns } from '../../store/files.js';
import { CapbuError, isCapbuError } from '../../errors.js';
import { calendarDateIn, localTimeToInstant } from '../../campaign/calendar.js';
import { inspect, type Inspection } from '../../inspection/inspect.js';
import { journalDecisions } from '../../inspection/journal.js';
import { renewedFrom } from '../../inspection/renewed.js';
import { syncContext, type RenewalContext } from '../../renewal/renew.js';
import { lastCentreClock } from '../../store/centre-clock.js';
import { pinTries, VIETTEL_PIN_LENGTH } from '../../renewal/pin-guard.js';
import { findSubscriber } from '../../store/registry.js';
import { renewalFor } from '../../store/renewals.js';
import { changeSetting, loadSettings, type KioskSettings } from '../../store/settings.js';
import type { Language } from '../../i18n/catalog.js';
import { openStore, type Store } from '../../store/store.js';
import { CLOCK_SKEW_WARNING_MS, decisionTime } from '../../sync/centre-time.js';
import { SYNC_TIMEOUT_MS } from '../../sync/backoff.js';
import { syncRound } from '../../sync/round.js';
import { kioskStatus } from '../../sync/status.js';
import { stopper, watch as watchSync } from '../../sync/watch.js';
import { appendEvent, journaled } from '../../store/journal.js';
import { CentralClient } from '../../sync/client.js';
import { credentialOrNull, loadCredential, type KioskCredential } from '../../sync/credential.js';
import { catalogue } from '../../token/catalogue.js';
import { chosenModule, holdModule, loadModule, withModule } from '../../token/module.js';
import { readToken } from '../../token/read.js';
import { listTokens, type TokenSummary } from '../../token/slots.js';
import { systemDevices, type ListDevices } from '../../token/usb.js';
import { watchTokens, type TokenWatch, type WatchedToken } from '../../token/watch.js';
import type { DemoView, DeviceView, PinView, StatusView, TodayView, TokenView } from '../model.js';
import { tokenView } from './views.js';
import { startDemoCentre } from '../../demo/centre.js';
import { isPlugged, openDemoWorld, plugDemoToken, pullDemoTokens } from '../../demo/shelf.js';

export interface EngineConfig {
  readonly dataDir: string;
  readonly campaign: string | null;
  /** --module; else the environment's (CAPBU_PKCS11_MODULE); else the catalogue's modules for what is plugged in. */
  readonly module: string | null;
  readonly now: string | null;
  readonly operator: string | null;
  /** The centre to use instead of the enrolled one (the demo's link). */
  readonly server: string | null;
  readonly env: Record<string, string | undefined>;
  /** No USB here: the demo and the tests give the device list. */
  readonly noUsb: boolean;
  readonly watchIntervalMs: number | null;
  /** The demo world to run on: its centre is started and its tokens are plugged from the app. */
  readonly demo: { readonly directory: string; readonly bin: string } | null;
}

export type Change =
  | { readonly type: 'token'; readonly key: string; readonly view: TokenView | null }
  | { readonly type: 'devices'; readonly devices: readonly DeviceView[] };

interface Plugged {
  readonly watched: WatchedToken;
  /** The verdicts already journaled for this plug (serial, eligible, reasons). */
  readonly journaled: Set<string>;
  /** When the watch reported the plug, until token.plugged is journaled. */
  pluggedAt: Date | null;
}

/** A queue of changes that the watch and the engine's own re-reads both feed. */
class Changes implements AsyncIterable<Change> {
  private readonly queue: Change[] = [];
  private readonly waiting: ((r: IteratorResult<Change>) => void)[] = [];
  private done = false;

  push(change: Change): void {
    const next = this.waiting.shift();
    if (next) next({ value: change, done: false });
    else this.queue.push(change);
  }

  end(): void {
    this.done = true;
    for (const resolve of this.waiting.splice(0)) resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<Change> {
    return {
      next: () => {
        const change = this.queue.shift();
        if (change) return Promise.resolve({ value: change, done: false });
        if (this.done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => this.waiting.push(resolve));
      },
    };
  }
}

/** The demo world's controls: plug and pull its customers' tokens, cut and restore its link. */
export interface DemoControl {
  view(): DemoView;
  demoPlug(key: string): void;
  demoPull(): void;
  demoLink(): void;
  close(): Promise<void>;
}

export class EngineCore {
  readonly campaigns: CampaignSet;
  demo: DemoControl | null = null;
  private readonly db: Store;
  private readonly settings: KioskSettings;
  private readonly credential: KioskCredential | null;
  private readonly plugged = new Map<string, Plugged>();
  private readonly devices = new Map<string, DeviceView>();
  private readonly changes = new Changes();
  private readonly statusListeners: (() => void)[] = [];
  private watcher: TokenWatch | null = null;
  private operatorName: string | null;
  private online: boolean | null = null;
  private readonly syncing = stopper();

  constructor(private readonly config: EngineConfig) {
    this.campaigns = loadCampaigns(campaignPath(config.campaign ?? undefined, config.env as NodeJS.ProcessEnv));
    this.settings = loadSettings(config.dataDir);
    this.db = openStore(config.dataDir);
    this.credential = credentialOrNull(config.dataDir);
    this.operatorName = config.operator ?? this.settings.operator;
  }

  clock(): Date {
    return this.config.now ? new Date(this.config.now) : new Date();
  }

  operator(name: string | null): void {
    const before = this.operatorName;
    this.operatorName = name;
    const at = this.clock();
    if (name === null && before) appendEvent(this.db, { type: 'operator.signedOut', operator: before, data: {}, at });
    if (name !== null) appendEvent(this.db, { type: 'operator.signedIn', operator: name, data: {}, at });
  }

  /**
   * Saves the language the clerk switched to as the `lang` setting, journaled as setting.changed;
   * answers the language now in effect (the old one when the change could not be kept).
   */
  setLanguage(language: Language): Language {
    const before = loadSettings(this.config.dataDir).lang;
    changeSetting(this.config.dataDir, 'lang', language);
    try {
      appendEvent(this.db, { type: 'setting.changed', operator: this.operatorName, data: { name: 'lang', value: language }, at: this.clock() });
    } catch (error) {
      // Not journaled, not kept: the setting goes back to what it was.
      changeSetting(this.config.dataDir, 'lang', before ?? undefined);
      throw error;
    }
    return language;
  }

  currentOperator(): string {
    return this.operatorName ?? '';
  }

  onStatus(listener: () => void): void {
    this.statusListeners.push(listener);
  }

  status(): StatusView {
    const now = this.clock();
    const s = kioskStatus(this.db, this.credential, this.settings, now);
    return {
      kioskId: s.kioskId,
      online: this.online,
      waitingEvents: s.eventsPending,
      waitingRenewals: s.renewalsPending,
      lastSyncAt: s.lastContactAt,
      registryAgeHours: s.registryUpdatedAt ? Math.max(0, (now.getTime() - Date.parse(s.registryUpdatedAt)) / 3_600_000) : null,
      clockSkewWarning: s.clockSkewMs !== null && Math.abs(s.clockSkewMs) > CLOCK_SKEW_WARNING_MS,
      unsyncedWarning: s.warnings.includes('UNSYNCED'),
      registryWarning: s.warnings.includes('REGISTRY_OLD'),
    };
  }

  /**
   * The journal issue's sync round, again and again in the background: queued requests, journal
   * events, registry delta. Never on a screen's path; a round that fails only marks the kiosk offline.
   */
  startSync(intervalMs: number): void {
    if (!this.credential) return;
    const credential = this.credential;
    const server = this.config.server ?? credential.server;
    const ctx = syncContext({
      ...this.renewalContext(null, credential),
      client: new CentralClient({ server, credential: credential.credential, now: () => this.clock(), timeoutMs: SYNC_TIMEOUT_MS }),
      server,
    });
    void watchSync(() => syncRound(ctx, { stopping: this.syncing.stopping }), intervalMs, this.syncing, (outcome) => {
      this.online = 'round' in outcome ? outcome.round.reachable : outcome.error.code === 'SYNC_BUSY' ? this.online : false;
      this.statusChanged();
    });
  }

  today(): TodayView {
    const since = this.startOfToday();
    const count = (sql: string) => this.db.prepare(sql).pluck().get(since) as number;
    return {
      renewed: count(`SELECT count(*) FROM journal WHERE type = 'renewal.installed' AND at >= ?`),
      queued: count(`SELECT count(*) FROM journal WHERE type = 'renewal.queued' AND at >= ?`),
      // Customers turned away: tokens judged today none of whose certificates qualified.
      notEligible: count(
        `SELECT count(*) FROM (SELECT 1 FROM journal WHERE type = 'check.decided' AND at >= ?
           GROUP BY json_extract(data, '$.tokenSerial') HAVING max(json_extract(data, '$.eligible')) = 0)`,
      ),
      failed: count(`SELECT count(*) FROM journal WHERE type = 'renewal.failed' AND at >= ?`),
    };
  }

  /** Midnight of today in the campaign's zone, as the store writes instants. */
  private startOfToday(): string {
    const zone = homeZone(this.campaigns);
    return localTimeToInstant(calendarDateIn(this.clock(), zone), [0, 0, 0], zone).toISOString();
  }

  /** Plug and unplug as the watch reports them, each plugged token read and judged. */
  watch(): AsyncIterable<Change> {
    const chosen = chosenModule(this.config.module ?? undefined, this.config.env as NodeJS.ProcessEnv);
    const listDevices: ListDevices = this.config.noUsb ? () => [] : systemDevices(this.config.env as NodeJS.ProcessEnv);
    this.watcher = watchTokens({
      listDevices,
      catalogue: catalogue(this.settings.devices),
      // --module (or the environment's), then the `modules` setting, beside what the catalogue names.
      modules: [...(chosen ? [chosen] : []), ...this.settings.modules],
      ...(this.config.watchIntervalMs !== null && { intervalMs: this.config.watchIntervalMs }),
    });
    void this.follow(this.watcher);
    return this.changes;
  }

  private async follow(watcher: TokenWatch): Promise<void> {
    for await (const event of watcher) {
      if (event.type === 'plugged') {
        this.plugged.set(event.token.serial, { watched: event.token, journaled: new Set(), pluggedAt: this.clock() });
        await this.refresh(event.token.serial);
      } else if (event.type === 'removed') {
        if (event.token) {
          const plugged = this.plugged.get(event.token.serial);
          this.plugged.delete(event.token.serial);
          this.changes.push({ type: 'token', key: event.token.serial, view: null });
          await posted();
          journaled(this.db, () => {
            if (plugged) this.journalSeen(plugged, null);
            this.journalToken('token.removed', event.token!, this.clock());
          });
          this.statusChanged();
        }
        if (event.device) this.devices.delete(event.device.port);
        this.changes.push({ type: 'devices', devices: [...this.devices.values()] });
      } else if (event.type === 'device-without-token') {
        const { device } = event;
        const name = [device.vendor, device.model].filter(Boolean).join(' ') || null;
        this.devices.set(device.port, { port: device.port, id: `${device.vendorId}:${device.productId}`, name, why: event.why });
        this.changes.push({ type: 'devices', devices: [...this.devices.values()] });
      } else {
        this.devices.set(event.module, { port: event.module, id: '', name: event.module, why: { code: 'module-failed', module: event.module, detail: event.detail } });
        this.changes.push({ type: 'devices', devices: [...this.devices.values()] });
      }
    }
    this.changes.end();
  }

  private journalToken(type: 'token.plugged' | 'token.removed', token: WatchedToken, at: Date): void {
    appendEvent(this.db, { type, operator: this.operatorName, data: { tokenSerial: token.serial, label: token.label }, at });
  }

  private statusChanged(): void {
    for (const listener of this.statusListeners) listener();
  }

  /** Reads a plugged token again (after a renewal, or when it appears) and reports what it now holds. */
  async refresh(key: string): Promise<void> {
    const plugged = this.plugged.get(key);
    if (!plugged) return;
    try {
      const { inspection, pin } = await this.onModule(plugged.watched, (lib, summary) => {
        const contents = readToken(lib, summary);
        const now = decisionTime(this.clock(), lastCentreClock(this.db)).now;
        // Overrides in the settings only: the kiosk app has no field to type one in.
        const overrides = heldOverrides(this.settings, undefined, this.campaigns, now);
        const rollout = { tokenHardwareVersion: plugged.watched.hardwareVersion || null, overridden: overrides.overridden };
        return { inspection: inspect(contents, this.campaigns, (key) => findSubscriber(this.db, key), now, renewedFrom(this.db), rollout), pin: this.pinOf(summary) };
      });
      const view = tokenView(inspection, this.campaigns, {
        hardwareVersion: plugged.watched.hardwareVersion || null,
        pin,
        renewal: renewalFor(this.db, inspection.certificates.map((c) => c.facts.der)),
      });
      // The verdict goes to the screen first; its journal entries (one synchronous commit) after.
      this.changes.push({ type: 'token', key, view });
      await posted();
      journaled(this.db, () => this.journalSeen(plugged, inspection));
      this.statusChanged();
    } catch (error) {
      // A token pulled while being read is reported gone by the watch a moment later.
      if (!isCapbuError(error, 'TOKEN_REMOVED') && !isCapbuError(error, 'TOKEN_NOT_FOUND')) throw error;
    }
  }

  /**
   * The plug (token.plugged, at the moment the watch reported it) once, then the verdicts as
   * `capbu check` journals them (check.decided), once per certificate while the token stays
   * plugged: a re-read after a wrong PIN or a renewal journals only what changed.
   */
  private journalSeen(plugged: Plugged, inspection: Inspection | null): void {
    if (plugged.pluggedAt) {
      this.journalToken('token.plugged', plugged.watched, plugged.pluggedAt);
      plugged.pluggedAt = null;
    }
    if (!inspection) return;
    const verdict = (c: Inspection['certificates'][number]) => `${c.facts.serial}:${c.decision?.eligible}:${c.decision?.reasons.join(',')}`;
    const fresh = inspection.certificates.filter((c) => c.decision && !plugged.journaled.has(verdict(c)));
    if (fresh.length === 0) return;
    journalDecisions(this.db, { ...inspection, certificates: fresh }, this.operatorName, this.clock());
    for (const c of fresh) plugged.journaled.add(verdict(c));
  }

  /** Runs core work on one plugged token's module, with the module held so the watch leaves it be. */
  private onModule<T>(watched: WatchedToken, work: (lib: ReturnType<typeof loadModule>, summary: TokenSummary) => T | Promise<T>): Promise<T> {
    return withModule(watched.module, async () => {
      const release = holdModule(watched.module);
      try {
        const lib = loadModule(watched.module);
        const summary = listTokens(lib).find((t) => t.serial === watched.serial);
        if (!summary) throw new CapbuError('TOKEN_REMOVED');
        return await work(lib, summary);
      } finally {
        release();
      }
    });
  }

  /** The renewal context for a plugged token, for the length of `work`. */
  withToken<T>(token: TokenView, work: (ctx: RenewalContext) => Promise<T>): Promise<T> {
    const plugged = this.plugged.get(token.key);
    if (!plugged) return Promise.reject(new CapbuError('TOKEN_REMOVED'));
    return this.onModule(plugged.watched, async (lib) => {
      const credential = this.credential ?? loadCredential(this.config.dataDir);
      return work({ ...this.renewalContext(lib, credential), hardwareVersion: plugged.watched.hardwareVersion || null });
    });
  }

  /** The core's context; a sync round never touches a token, so it runs with no module. */
  private renewalContext(lib: ReturnType<typeof loadModule> | null, credential: KioskCredential): RenewalContext {
    return {
      lib: lib as ReturnType<typeof loadModule>,
      db: this.db,
      campaigns: this.campaigns,
      client: new CentralClient({ server: this.config.server ?? credential.server, credential: credential.credential, now: () => this.clock() }),
      settings: this.settings,
      kiosk: { id: credential.kioskId, channel: credential.channel as Channel },
      dataDir: this.config.dataDir,
      clock: () => this.clock(),
    };
  }

  /** The token's PIN state as it is now, after a try. */
  async pinView(token: TokenView): Promise<PinView | null> {
    const plugged = this.plugged.get(token.key);
    if (!plugged) return null;
    return this.onModule(plugged.watched, (_lib, summary) => this.pinOf(summary)).catch(() => null);
  }

  /** The PIN guard's view of the token: its limits, its flags and the kiosk's own count. */
  private pinOf(summary: TokenSummary): PinView {
    const { min, max } = summary.pinLength ?? VIETTEL_PIN_LENGTH;
    const tries = pinTries(this.db, summary, this.settings.pinTryLimit);
    return {
      minLength: Math.max(min, 1),
      maxLength: max,
      countLow: tries.token.countLow,
      finalTry: tries.finalTry,
      locked: tries.locked,
      kioskTriesLeft: tries.counted === 0 ? null : tries.remaining,
    };
  }

  /** Hands the receipt to the `printCommand` setting, as its one argument (no shell). */
  print(receiptPath: string): Promise<boolean> {
    const command = this.settings.printCommand;
    if (!command) return Promise.resolve(false);
    const [file, ...args] = command.split(/\s+/).filter(Boolean);
    return new Promise((resolve) => execFile(file!, [...args, receiptPath], { timeout: 30_000 }, (error) => resolve(error === null)));
  }

  async close(): Promise<void> {
    this.syncing.stop();
    await this.watcher?.close();
    await this.demo?.close();
    this.db.close();
  }
}

/** Lets the worker post the change just queued before the next synchronous work (a journal commit). */
function posted(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export async function openEngineCore(config: EngineConfig): Promise<EngineCore> {
  if (!config.demo) return new EngineCore(config);
  const world = openDemoWorld(config.demo.directory);
  const centre = await startDemoCentre(world, config.demo.bin);
  const core = new EngineCore({ ...config, server: centre.url });
  core.demo = {
    view: () => ({
      customers: world.customers.map((c) => ({ key: c.key, name: c.token, situation: c.situation, plugged: isPlugged(world, c) })),
      linkUp: centre.linkUp(),
    }),
    demoPlug: (key) => void plugDemoToken(world, key),
    demoPull: () => void pullDemoTokens(world),
    demoLink: () => centre.toggleLink(),
    close: () => centre.stop(),
  };
  return core;
}
