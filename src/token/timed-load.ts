/**
 * Loading and initialising a PKCS#11 module for a one-shot command (check, renew, tokens, doctor)
 * without letting a module that hangs freeze the command, which then ends with
 * MODULE_LOAD_TIMEOUT. Some vendor modules hang in their constructor or in C_Initialize, most
 * often because of what is around them (pcscd stuck, a token in a bad state), not because of the
 * file: a module that loaded yesterday can hang today.
 *
 * How, and why this way (bench/check, README): the dlopen and the C_Initialize run on libuv's
 * thread pool (koffi's async calls) while the main thread waits with a timer, so the command's
 * usual error path (catalogue words, journal, terminal restored, exit code 2) runs as for any
 * other error. It costs loading koffi (≈10 ms), against ≈80 ms for the Node child process that
 * used to load the module first. The alternatives: remembering a module file that passed a child
 * probe skips the cost but drops the protection exactly when pcscd gets stuck under a module
 * that loaded before; a worker-thread watchdog around a load on the main thread boots a second
 * Node environment (as dear as the child under load), and can end a stuck process only from
 * outside its JavaScript, skipping the error path. What this loses against the child: a module
 * that crashes (SIGSEGV) while loading takes capbu with it instead of being reported.
 *
 * A call that never returns keeps its pool thread, and Node would wait for that thread forever:
 * the front-end exits once the command is over (stuck-calls.ts), and once the exit handlers have
 * run, the process ends with _exit.
 */
import type * as Koffi from 'koffi';
import { koffi, moduleFunction, type NativeFunction } from './ffi.js';
import { callStarted, callsStuck, gaveUpOnCall } from './stuck-calls.js';

export type Initialised = { readonly kind: 'initialised' } | { readonly kind: 'failed'; readonly rv: number } | { readonly kind: 'not-loaded' } | { readonly kind: 'timeout' };

/** As pkcs11js opens modules, so that its own load of the same path finds this one. */
const RTLD_LAZY = 1;

interface Natives {
  readonly dlopen: NativeFunction;
  readonly exit: (code: number) => void;
  readonly initialize: Koffi.TypeObject;
}

let natives: Natives | null = null;

/** Resolved before any module is touched: a dlopen stuck in a constructor holds the loader's lock. */
function resolveNatives(): Natives {
  if (natives) return natives;
  const k = koffi();
  // The process's own symbols: libc is already there, nothing new is loaded.
  const self = k.load(null);
  natives = {
    dlopen: self.func('void *dlopen(const char *file, int mode)'),
    exit: self.func('void _exit(int status)') as (code: number) => void,
    initialize: k.proto('unsigned long CK_C_Initialize(void *args)'),
  };
  return natives;
}

let exitHooked = false;

function offThread<T>(fn: NativeFunction, ...args: unknown[]): Promise<T> {
  const ended = callStarted();
  return new Promise((resolve, reject) => {
    fn.async(...args, (error: unknown, result: T) => {
      ended();
      if (error) reject(error instanceof Error ? error : new Error(String(error)));
      else resolve(result);
    });
  });
}

/** Once a call has been given up on: the process's exit ends past it, after every exit handler. */
function endPastStuckCalls(exit: Natives['exit']): void {
  gaveUpOnCall();
  if (exitHooked) return;
  exitHooked = true;
  process.on('exit', (code) => {
    if (callsStuck()) exit(code);
  });
}

/**
 * dlopen + C_Initialize of `path` off the main thread, given up on after `timeoutMs`. A module
 * the loader refuses is 'not-loaded': pkcs11js's own load then says why.
 */
export async function initialiseOffThread(path: string, timeoutMs: number): Promise<Initialised> {
  const n = resolveNatives();
  const steps = (async (): Promise<Initialised> => {
    const handle = await offThread<unknown>(n.dlopen, path, RTLD_LAZY);
    if (handle === null) return { kind: 'not-loaded' };
    const initialize = koffi().decode(moduleFunction(path, 'C_Initialize'), n.initialize);
    const rv = Number(await offThread<number | bigint>(initialize, null));
    return rv === 0 ? { kind: 'initialised' } : { kind: 'failed', rv };
  })();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<Initialised>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs);
  });
  try {
    const outcome = await Promise.race([steps, expired]);
    if (outcome.kind === 'timeout') endPastStuckCalls(n.exit);
    return outcome;
  } finally {
    clearTimeout(timer);
  }
}
