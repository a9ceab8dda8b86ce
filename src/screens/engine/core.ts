/**
 * What the kiosk app's engine stands on: the campaign, the store, the token watch, and the calls
 * into the core (inspect, renew) for one token at a time. The screens see none of this; the
 * worker turns what happens here into events.
 */
import { execFile } from 'node:child_process';
import type { Campaign } from '../../campaign/campaign.js';
import type { Channel } from '../../central/api.js';
import { campaignPath, loadCampaign } from '../../store/files.js';
import { CapbuError, isCapbuError } from '../../errors.js';
import { calendarDateIn, localTimeToInstant } from '../../campaign/calendar.js';
import { inspect } from '../../inspection/inspect.js';
import type { RenewalContext } from '../../renewal/renew.js';
import { lastCentreClock } from '../../store/centre-clock.js';
import { pinFailures } from '../../store/pin-failures.js';
import { findSubscriber } from '../../store/registry.js';
import { renewalFor, renewalUpdatedAt } from '../../store/renewals.js';
import { loadSettings, type KioskSettings } from '../../store/settings.js';
import { openStore, type Store } from '../../store/store.js';
import { decisionTime } from '../../sync/centre-time.js';
import { CentralClient } from '../../sync/client.js';
import { loadCredential, type KioskCredential } from '../../sync/credential.js';
import { catalogue } from '../../token/catalogue.js';
import { holdModule, loadModule, withModule } from '../../token/module.js';
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
  /** --module or the environment; else the catalogue's modules for what is plugged in. */
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
  readonly campaign: Campaign;
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

  constructor(private readonly config: EngineConfig) {
    this.campaign = loadCampaign(campaignPath(config.campaign ?? undefined, config.env as NodeJS.ProcessEnv));
    this.settings = loadSettings(config.dataDir);
    this.db = openStore(config.dataDir);
    this.credential = enrolled(config.dataDir);
    this.operatorName = config.operator ?? this.settings.operator;
  }

  clock(): Date {
    return this.config.now ? new Date(this.config.now) : new Date();
  }

  operator(name: string | null): void {
    this.operatorName = name;
  }

  currentOperator(): string {
    return this.operatorName ?? '';
  }

  onStatus(listener: () => void): void {
    this.statusListeners.push(listener);
  }

  status(): StatusView {
    const skew = lastCentreClock(this.db);
    return {
      kioskId: this.credential?.kioskId ?? null,
      online: null,
      waitingEvents: 0,
      waitingRenewals: this.db.prepare(`SELECT count(*) FROM renewals WHERE state IN ('requested', 'queued')`).pluck().get() as number,
      lastSyncAt: skew?.observedAt.toISOString() ?? null,
      registryAgeHours: registryAgeHours(this.db, this.clock()),
      clockSkewWarning: decisionTime(this.clock(), skew).clockWarning,
      unsyncedWarning: false,
      registryWarning: false,
    };
  }

  today(): TodayView {
    const count = (state: string) =>
      this.db.prepare(`SELECT count(*) FROM renewals WHERE state = ? AND updated_at >= ?`).pluck().get(state, this.startOfToday()) as number;
    return { renewed: count('done'), queued: count('queued'), notEligible: 0, failed: 0 };
  }

  /** Midnight of today in the campaign's zone, as the store writes instants. */
  private startOfToday(): string {
    const zone = this.campaign.timeZone;
    return localTimeToInstant(calendarDateIn(this.clock(), zone), [0, 0, 0], zone).toISOString();
  }

  /** Plug and unplug as the watch reports them, each plugged token read and judged. */
  watch(): AsyncIterable<Change> {
    const listDevices: ListDevices = this.config.noUsb ? () => [] : systemDevices(this.config.env as NodeJS.ProcessEnv);
    this.watcher = watchTokens({
      listDevices,
      catalogue: catalogue(this.settings.devices),
      modules: this.config.module ? [this.config.module] : [],
      ...(this.config.watchIntervalMs !== null && { intervalMs: this.config.watchIntervalMs }),
    });
    void this.follow(this.watcher);
    return this.changes;
  }

  private async follow(watcher: TokenWatch): Promise<void> {
    for await (const event of watcher) {
      if (event.type === 'plugged') {
        this.plugged.set(event.token.serial, { watched: event.token });
        await this.refresh(event.token.serial);
      } else if (event.type === 'removed') {
        if (event.token) {
          this.plugged.delete(event.token.serial);
          this.changes.push({ type: 'token', key: event.token.serial, view: null });
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

  /** Reads a plugged token again (after a renewal, or when it appears) and reports what it now holds. */
  async refresh(key: string): Promise<void> {
    const plugged = this.plugged.get(key);
    if (!plugged) return;
    try {
      const view = await this.onModule(plugged.watched, (lib, summary) => {
        const contents = readToken(lib, summary);
        const now = decisionTime(this.clock(), lastCentreClock(this.db)).now;
        const inspection = inspect(contents, this.campaign, (serial) => findSubscriber(this.db, serial), now);
        const renewal = renewalFor(this.db, inspection.certificates.map((c) => c.facts.serial));
        return tokenView(inspection, this.campaign, {
          hardwareVersion: plugged.watched.hardwareVersion || null,
          pin: this.pinOf(lib, summary),
          renewal,
          renewedAt: renewal ? renewalUpdatedAt(this.db, renewal.id) : null,
          contractEnd: (serial) => findSubscriber(this.db, serial)?.contractEnd ?? null,
        });
      });
      this.changes.push({ type: 'token', key, view });
    } catch (error) {
      // A token pulled while being read is reported gone by the watch a moment later.
      if (!isCapbuError(error, 'TOKEN_REMOVED') && !isCapbuError(error, 'TOKEN_NOT_FOUND')) throw error;
    }
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
      const client = new CentralClient({ server: this.config.server ?? credential.server, credential: credential.credential, now: () => this.clock() });
      return work({
        lib,
        db: this.db,
        campaign: this.campaign,
        client,
        settings: this.settings,
        kiosk: { id: credential.kioskId, channel: credential.channel as Channel },
        dataDir: this.config.dataDir,
        clock: () => this.clock(),
      });
    });
  }

  pinView(token: TokenView): PinView {
    return { ...token.pin, kioskTriesLeft: this.kioskTriesLeft(token.serial) };
  }

  private pinOf(lib: ReturnType<typeof loadModule>, summary: TokenSummary): PinView {
    const info = lib.C_GetTokenInfo(summary.slot);
    return {
      minLength: info.minPinLen,
      maxLength: info.maxPinLen,
      countLow: summary.pin.countLow,
      finalTry: summary.pin.finalTry,
      locked: summary.pin.locked,
      kioskTriesLeft: this.kioskTriesLeft(summary.serial),
    };
  }

  private kioskTriesLeft(serial: string): number | null {
    const failures = pinFailures(this.db, serial);
    return failures === 0 ? null : Math.max(this.settings.pinTryLimit - failures, 0);
  }

  /** Hands the receipt to the `printCommand` setting, as its one argument (no shell). */
  print(receiptPath: string): Promise<boolean> {
    const command = this.settings.printCommand;
    if (!command) return Promise.resolve(false);
    const [file, ...args] = command.split(/\s+/).filter(Boolean);
    return new Promise((resolve) => execFile(file!, [...args, receiptPath], { timeout: 30_000 }, (error) => resolve(error === null)));
  }

  async close(): Promise<void> {
    await this.watcher?.close();
    await this.demo?.close();
    this.db.close();
  }
}

function enrolled(dataDir: string): KioskCredential | null {
  try {
    return loadCredential(dataDir);
  } catch (error) {
    if (isCapbuError(error, 'NOT_ENROLLED')) return null;
    throw error;
  }
}

function registryAgeHours(db: Store, now: Date): number | null {
  const at = db.prepare('SELECT max(updated_at) FROM registry').pluck().get() as string | null;
  return at ? Math.max(0, (now.getTime() - new Date(at).getTime()) / 3_600_000) : null;
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
