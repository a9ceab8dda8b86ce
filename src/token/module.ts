/**
 * Loading a PKCS#11 library: once per process and path, since C_Initialize may run only once.
 * Also what a watcher needs to share a module with the rest of the process: one lock per module
 * (some vendor modules are not thread-safe, and pkcs11js's *Async calls run off the main thread),
 * holds that forbid re-initialising while a session is open, and a load that can time out.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import pkcs11 from 'pkcs11js';
import { CapbuError } from '../errors.js';
import { initialiseOffThread } from './timed-load.js';

export const DEBIAN_SOFTHSM2 = '/usr/lib/softhsm/libsofthsm2.so';

/** --module PATH, else $CAPBU_PKCS11_MODULE, else Debian's SoftHSM2. */
export function modulePath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.CAPBU_PKCS11_MODULE ?? DEBIAN_SOFTHSM2;
}

/** The module named by --module or the environment, or null when neither says. */
export function chosenModule(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | null {
  return flag ?? (env.CAPBU_PKCS11_MODULE?.trim() || null);
}

/** The CommonJS module's constants only exist on its default export under ESM. */
export const pkcs11js = pkcs11;
export type Pkcs11 = pkcs11.PKCS11;

const loaded = new Map<string, Pkcs11>();
export function loadModule(path: string): Pkcs11 {
  return loadedModule(path, false);
}

/** `initialised`: openModule ran C_Initialize already (off the main thread), so pkcs11js only binds it. */
function loadedModule(path: string, initialised: boolean): Pkcs11 {
  const cached = loaded.get(path);
  if (cached) return cached;
  if (!existsSync(path)) throw new CapbuError('MODULE_LOAD_FAILED', { path });
  const lib = new pkcs11.PKCS11();
  try {
    lib.load(path);
    if (!initialised) lib.C_Initialize();
  } catch (error) {
    throw new CapbuError('MODULE_LOAD_FAILED', { path }, { cause: error });
  }
  loaded.set(path, lib);
  paths.set(lib, path);
  return lib;
}

/**
 * C_Finalize, and forgotten: for a thread done with a module that another thread of this process
 * loads next (a module's initialisation is per process: a second C_Initialize is refused with
 * CKR_CRYPTOKI_ALREADY_INITIALIZED).
 */
export function releaseModule(path: string): void {
  const lib = loaded.get(path);
  if (!lib) return;
  loaded.delete(path);
  lib.C_Finalize();
}

const paths = new WeakMap<Pkcs11, string>();

/** The path a module was loaded from (by loadModule), for the PIN login that opens it too. */
export function loadedPath(lib: Pkcs11): string {
  const path = paths.get(lib);
  if (path === undefined) throw new CapbuError('MODULE_LOAD_FAILED', { path: '(not loaded by capbu)' });
  return path;
}

const holds = new Map<string, number>();

/** Keeps a module from being re-initialised (which closes every session) until released. */
export function holdModule(path: string): () => void {
  holds.set(path, (holds.get(path) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    holds.set(path, holds.get(path)! - 1);
  };
}

/**
 * C_Finalize + C_Initialize, the only way some modules show tokens plugged in or pulled out since
 * their C_Initialize. Refused (false) while anyone holds the module.
 */
export function reinitialiseModule(path: string): boolean {
  const lib = loaded.get(path);
  if (!lib || (holds.get(path) ?? 0) > 0) return false;
  try {
    lib.C_Finalize();
  } catch {
    // Already finalised by a failed earlier attempt: initialise again below.
  }
  try {
    lib.C_Initialize();
  } catch (error) {
    loaded.delete(path);
    throw new CapbuError('MODULE_LOAD_FAILED', { path }, { cause: error });
  }
  return true;
}

const queues = new Map<string, Promise<unknown>>();

/** Runs `step` when no other step on the same module is running: one caller at a time per module. */
export function withModule<T>(path: string, step: () => T | Promise<T>): Promise<T> {
  const before = queues.get(path) ?? Promise.resolve();
  const run = before.then(step, step);
  queues.set(path, run.catch(() => undefined));
  return run;
}

/** How long a one-shot command waits for a module's C_Initialize before giving up on it. */
export const LOAD_TIMEOUT_MS = 5000;

/** Modules whose load was given up on: never touched again by this process (their thread is still in them). */
const stuck = new Set<string>();

/**
 * A module loaded for a one-shot command (check, renew, tokens, doctor): one that hangs on load
 * ends the command with MODULE_LOAD_TIMEOUT instead of freezing it (timed-load.ts says how).
 */
export async function openModule(path: string, timeoutMs = LOAD_TIMEOUT_MS): Promise<Pkcs11> {
  const cached = loaded.get(path);
  if (cached) return cached;
  if (stuck.has(path)) throw new CapbuError('MODULE_LOAD_TIMEOUT', { path, ms: timeoutMs });
  if (!existsSync(path)) throw new CapbuError('MODULE_LOAD_FAILED', { path });
  let outcome;
  try {
    outcome = await initialiseOffThread(path, timeoutMs);
  } catch (error) {
    throw new CapbuError('MODULE_LOAD_FAILED', { path }, { cause: error });
  }
  if (outcome.kind === 'timeout') {
    stuck.add(path);
    throw new CapbuError('MODULE_LOAD_TIMEOUT', { path, ms: timeoutMs });
  }
  if (outcome.kind === 'failed') {
    throw new CapbuError('MODULE_LOAD_FAILED', { path }, { cause: new pkcs11.Pkcs11Error(`C_Initialize failed: ${outcome.rv}`, outcome.rv, 'C_Initialize') });
  }
  // 'not-loaded': pkcs11js's own load fails the same way, with the loader's reason.
  return loadedModule(path, outcome.kind === 'initialised');
}

export type ProbeResult = { readonly ok: true } | { readonly ok: false; readonly why: 'missing' | 'load-failed' | 'timeout'; readonly detail: string };

const PROBE = `
const [binding, path] = process.argv.slice(1);
const { PKCS11 } = require(binding);
const lib = new PKCS11();
lib.load(path);
lib.C_Initialize();
try { lib.C_Finalize(); } catch { /* the probe asks only whether the module loads */ }
`;

/**
 * Loads and initialises the module in a child process, for the long-running watcher: a module
 * that hangs costs a killed child, and one whose load failed can be tried again later (pcscd
 * back), which a thread stuck inside it in this process would forbid. The one-shot commands
 * use openModule instead: a Node start per command is too dear there.
 */
export async function probeModule(path: string, timeoutMs = 5000): Promise<ProbeResult> {
  if (!existsSync(path)) return { ok: false, why: 'missing', detail: path };
  const binding = createRequire(import.meta.url).resolve('pkcs11js');
  // Imported here: the one-shot commands load this file and never probe (bench/check).
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile(process.execPath, ['-e', PROBE, binding, path], { timeout: timeoutMs, killSignal: 'SIGKILL' }, (error, _stdout, stderr) => {
      if (!error) resolve({ ok: true });
      else if (error.killed) resolve({ ok: false, why: 'timeout', detail: `${timeoutMs} ms` });
      else resolve({ ok: false, why: 'load-failed', detail: (/CKR_[A-Z_]+/.exec(stderr)?.[0] ?? stderr.trim().split('\n').find((l) => /Error/.test(l)) ?? 'error').slice(0, 200) });
    });
  });
}
