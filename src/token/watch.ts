/**
 * One ordered, debounced stream of what is plugged in, from both sides: the USB devices (to tell
 * "no token" from "driver missing") and each catalogue module's slots (the token itself).
 *
 * Slots are re-read with C_GetSlotList(true) on a timer, never C_WaitForSlotEvent: p11-kit's proxy
 * supports only CKF_DONT_BLOCK and OpenSC misses readers connected later. Modules that only show
 * changes after C_Finalize + C_Initialize are re-initialised each poll, others when the USB list
 * changes or a slot stops answering, and never while someone holds the module (an open session).
 */
import { existsSync } from 'node:fs';
import { catalogue as builtIn, moduleForPath, type Catalogue, type ModuleSpec } from './catalogue.js';
import { placeDevice, type DeviceView, type Placed } from './devices.js';
import { holdModule, loadModule, probeModule, reinitialiseModule, withModule, type ProbeResult } from './module.js';
import { scanSlots, type TokenSummary } from './slots.js';
import type { ListDevices } from './usb.js';

export type { DeviceView } from './devices.js';

export interface WatchedToken {
  readonly label: string;
  readonly serial: string;
  readonly manufacturer: string;
  readonly model: string;
  /** The catalogue's label for the device it sits in, else the token's own version number. */
  readonly hardwareVersion: string;
  /** The PKCS#11 library that serves it. */
  readonly module: string;
}

export type WhyCode =
  /** A catalogued device whose modules are none of them installed. */
  | 'driver-missing'
  /** Its module is installed but does not load or initialise (or hangs doing so). */
  | 'module-failed'
  /** A CCID device while pcscd is not running: no module can see its token. */
  | 'pcscd-not-running'
  /** The module loads but sees no initialised token on it. */
  | 'token-not-initialised'
  /** A smart-card or HID device the catalogue does not know: staff can add its ids in settings. */
  | 'unknown-device';

export interface Why {
  readonly code: WhyCode;
  readonly module?: string;
  /** What to install, for driver-missing. */
  readonly install?: string;
  readonly detail?: string;
}

export type TokenEvent =
  | { readonly type: 'plugged'; readonly token: WatchedToken; readonly device: DeviceView | null }
  /** A token, or a device that had no token, is gone. */
  | { readonly type: 'removed'; readonly token: WatchedToken | null; readonly device: DeviceView | null }
  | { readonly type: 'device-without-token'; readonly device: DeviceView; readonly why: Why }
  /** A module asked for by name (--module, the environment) that does not load. */
  | { readonly type: 'module-failed'; readonly module: string; readonly detail: string };

export interface WatchOptions {
  /** The USB side; null from it means "no USB view here" (off Linux). */
  readonly listDevices: ListDevices;
  readonly catalogue?: Catalogue;
  /** Modules to watch whatever is plugged in (--module, the environment). */
  readonly modules?: readonly string[];
  /** Whether the PC/SC daemon is up, for CCID devices. */
  readonly pcscdRunning?: () => boolean;
  /** Between polls; a change is seen by the next poll and confirmed by the one after. */
  readonly intervalMs?: number;
  /** How long a device may sit without a token before that is reported (pcscd and tokens take a moment). */
  readonly graceMs?: number;
  /** How long a module may take to load before it counts as hanging. */
  readonly loadTimeoutMs?: number;
  /** Before a failed module is tried again (a driver may get installed meanwhile). */
  readonly retryMs?: number;
  readonly platform?: NodeJS.Platform;
}

export interface TokenWatch extends AsyncIterable<TokenEvent> {
  close(): Promise<void>;
}

type ModuleState =
  | { readonly kind: 'probing' }
  | { readonly kind: 'ready' }
  | { readonly kind: 'failed'; readonly detail: string; readonly at: number };

/** What one poll saw, keyed so that two polls can be compared. */
type Item =
  | { readonly type: 'plugged'; readonly token: WatchedToken; readonly device: DeviceView | null }
  | { readonly type: 'device-without-token'; readonly device: DeviceView; readonly why: Why }
  | { readonly type: 'module-failed'; readonly module: string; readonly detail: string };

/** pcscd's socket: Debian's path (also with socket activation), or $CAPBU_PCSCD_SOCKET elsewhere. */
export function pcscdSocket(env: NodeJS.ProcessEnv = process.env): string {
  return env.CAPBU_PCSCD_SOCKET?.trim() || '/run/pcscd/pcscd.comm';
}

/** Cheap enough for every poll: the socket is there (systemd starts pcscd on the first connection). */
export function pcscdSocketPresent(path = pcscdSocket()): () => boolean {
  return () => existsSync(path);
}

function watched(token: TokenSummary, module: string, device: DeviceView | null): WatchedToken {
  return {
    label: token.label,
    serial: token.serial,
    manufacturer: token.manufacturer,
    model: token.model,
    hardwareVersion: device?.hardwareVersion ?? token.hardwareVersion,
    module,
  };
}

function keyOf(item: Item): string {
  if (item.type === 'plugged') return `t:${item.token.module}:${item.token.serial}:${item.token.label}`;
  if (item.type === 'module-failed') return `m:${item.module}`;
  return `d:${item.device.port}`;
}

/** Why-codes that may clear by themselves within moments of plugging in. */
const TRANSIENT: ReadonlySet<WhyCode> = new Set(['pcscd-not-running', 'token-not-initialised']);

export function watchTokens(options: WatchOptions): TokenWatch {
  const cat = options.catalogue ?? builtIn();
  const platform = options.platform ?? process.platform;
  const intervalMs = options.intervalMs ?? 100;
  const graceMs = options.graceMs ?? 1500;
  const retryMs = options.retryMs ?? 10_000;
  const pcscd = options.pcscdRunning ?? pcscdSocketPresent();
  const explicit = (options.modules ?? []).map((path) => moduleForPath(cat, path));

  const states = new Map<string, ModuleState>();
  const needsReinit = new Set<string>();
  const firstSeen = new Map<string, number>();
  let lastUsb = '';
  let previous = '';
  let emitted = new Map<string, Item>();

  const queue: TokenEvent[] = [];
  const waiting: ((result: IteratorResult<TokenEvent>) => void)[] = [];
  let closed = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();

  function push(event: TokenEvent): void {
    const next = waiting.shift();
    if (next) next({ value: event, done: false });
    else queue.push(event);
  }

  function probe(path: string): void {
    states.set(path, { kind: 'probing' });
    void probeModule(path, options.loadTimeoutMs).then((result: ProbeResult) => {
      if (closed) return;
      if (!result.ok) {
        states.set(path, { kind: 'failed', detail: `${result.why}: ${result.detail}`, at: Date.now() });
        return;
      }
      try {
        loadModule(path);
        states.set(path, { kind: 'ready' });
      } catch (error) {
        states.set(path, { kind: 'failed', detail: String((error as Error).cause ?? error), at: Date.now() });
      }
    });
  }

  /** Reads one module's tokens, re-initialising it first where that is what shows changes. */
  async function scan(path: string, spec: ModuleSpec, usbChanged: boolean): Promise<TokenSummary[] | { failed: string }> {
    return withModule(path, () => {
      try {
        if (spec.plug === 'reinitialise' || usbChanged || needsReinit.has(path)) {
          if (reinitialiseModule(path)) needsReinit.delete(path);
        }
        const release = holdModule(path);
        try {
          const result = scanSlots(loadModule(path));
          if (result.failing > 0) needsReinit.add(path);
          return [...result.tokens];
        } finally {
          release();
        }
      } catch (error) {
        states.delete(path);
        return { failed: String((error as Error).cause ?? (error as Error).message) };
      }
    });
  }

  async function poll(): Promise<Item[]> {
    const now = Date.now();
    const devices = options.listDevices() ?? [];
    const usbKey = devices.map((d) => `${d.port}=${d.vendorId}:${d.productId}`).join(',');
    const usbChanged = usbKey !== lastUsb;
    lastUsb = usbKey;

    const placed = devices.map((d) => placeDevice(cat, d, platform)).filter((p): p is Placed => p !== null);
    const modules = new Map<string, ModuleSpec>();
    for (const spec of explicit) {
      const path = spec.paths[platform]?.[0];
      if (path) modules.set(path, spec);
    }
    for (const p of placed) if (p.module && p.spec) modules.set(p.module, p.spec);

    const items: Item[] = [];
    const tokensOf = new Map<string, TokenSummary[]>();
    const failedOf = new Map<string, string>();
    for (const [path, spec] of modules) {
      const state = states.get(path);
      if (!state || (state.kind === 'failed' && now - state.at >= retryMs)) {
        probe(path);
        continue;
      }
      if (state.kind === 'probing') continue;
      if (state.kind === 'failed') {
        failedOf.set(path, state.detail);
        continue;
      }
      const result = await scan(path, spec, usbChanged);
      if (Array.isArray(result)) tokensOf.set(path, result);
      else {
        states.set(path, { kind: 'failed', detail: result.failed, at: now });
        failedOf.set(path, result.failed);
      }
    }

    for (const spec of explicit) {
      const path = spec.paths[platform]?.[0];
      if (path && failedOf.has(path)) items.push({ type: 'module-failed', module: path, detail: failedOf.get(path)! });
    }

    for (const [path, tokens] of tokensOf) {
      const candidates = placed.filter((p) => p.module === path);
      const left = [...tokens];
      for (const p of candidates) {
        // A token whose manufacturer names the device's vendor first, then in slot order.
        const vendor = p.entry?.vendor.toLowerCase() ?? '';
        let i = left.findIndex((t) => vendor !== '' && t.manufacturer.toLowerCase().includes(vendor));
        if (i < 0 && left.length > 0) i = 0;
        if (i < 0) {
          const ccid = p.device.usbClass === 'ccid';
          items.push({ type: 'device-without-token', device: p.device, why: { code: ccid && !pcscd() ? 'pcscd-not-running' : 'token-not-initialised', module: path } });
          continue;
        }
        const [token] = left.splice(i, 1);
        items.push({ type: 'plugged', token: watched(token!, path, p.device), device: p.device });
      }
      for (const token of left) items.push({ type: 'plugged', token: watched(token, path, null), device: null });
    }

    for (const p of placed) {
      if (!p.entry) items.push({ type: 'device-without-token', device: p.device, why: { code: 'unknown-device' } });
      else if (!p.module) items.push({ type: 'device-without-token', device: p.device, why: { code: 'driver-missing', install: p.spec?.install ?? p.entry.modules.join(', ') } });
      else if (failedOf.has(p.module)) items.push({ type: 'device-without-token', device: p.device, why: { code: 'module-failed', module: p.module, detail: failedOf.get(p.module)! } });
    }

    // A device waiting for its token is reported only once it has waited a moment.
    const kept: Item[] = [];
    const seen = new Set<string>();
    for (const item of items) {
      const key = keyOf(item);
      seen.add(key);
      if (item.type === 'device-without-token' && TRANSIENT.has(item.why.code)) {
        const since = firstSeen.get(key) ?? now;
        firstSeen.set(key, since);
        if (now - since < graceMs && !emitted.has(key)) continue;
      } else firstSeen.delete(key);
      kept.push(item);
    }
    for (const key of [...firstSeen.keys()]) if (!seen.has(key)) firstSeen.delete(key);
    return kept.sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  }

  /** Emits the difference once two polls in a row agree: removals first, then arrivals. */
  function settle(items: Item[]): void {
    const fingerprint = JSON.stringify(items);
    if (fingerprint !== previous) {
      previous = fingerprint;
      return;
    }
    const next = new Map(items.map((item) => [keyOf(item), item]));
    const ports = new Set(items.flatMap((item) => (item.type === 'plugged' && item.device ? [item.device.port] : [])));
    for (const [key, item] of emitted) {
      if (next.has(key)) continue;
      if (item.type === 'plugged') push({ type: 'removed', token: item.token, device: item.device });
      // A device that now holds its token is announced by that token's 'plugged'.
      else if (item.type === 'device-without-token' && !ports.has(item.device.port)) push({ type: 'removed', token: null, device: item.device });
    }
    for (const [key, item] of next) {
      const before = emitted.get(key);
      if (!before || JSON.stringify(before) !== JSON.stringify(item)) push(item);
    }
    emitted = next;
  }

  function schedule(delay: number): void {
    if (closed) return;
    timer = setTimeout(() => {
      running = poll()
        .then(settle)
        // A USB listing or module that throws is tried again at the next poll; the stream goes on.
        .catch(() => undefined)
        .finally(() => schedule(intervalMs));
    }, delay);
  }
  schedule(0);

  const watch: TokenWatch = {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await running.catch(() => undefined);
      for (const resolve of waiting.splice(0)) resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return {
        next: () => {
          const event = queue.shift();
          if (event) return Promise.resolve({ value: event, done: false });
          if (closed) return Promise.resolve({ value: undefined, done: true });
          return new Promise((resolve) => waiting.push(resolve));
        },
        return: async () => {
          await watch.close();
          return { value: undefined, done: true };
        },
      };
    },
  };
  return watch;
}
