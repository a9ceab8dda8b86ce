/**
 * koffi (a C FFI), shared by every caller in src/token/ that calls a module's functions itself
 * rather than through pkcs11js: its settings can only be set before the first library is loaded
 * through it, so they are set here, once.
 */
import { createRequire } from 'node:module';
import type * as Koffi from 'koffi';
import pkcs11 from 'pkcs11js';

/**
 * A thread's stack for calls run off the main thread (koffi's default is 128 KiB): a vendor
 * module's C_Initialize runs on it (timed-load.ts), and how deep that goes is the vendor's secret.
 */
const ASYNC_STACK_BYTES = 8 * 1024 * 1024;

/** A C function koffi can call, on this thread or (`.async`) off it. */
export type NativeFunction = ReturnType<Koffi.LibraryHandle['func']>;

let loaded: typeof Koffi | null = null;

/** Loaded on first use only: most commands never need it. */
export function koffi(): typeof Koffi {
  if (loaded) return loaded;
  const k = createRequire(import.meta.url)('koffi') as typeof Koffi;
  k.config({ ...k.config(), async_stack_size: ASYNC_STACK_BYTES });
  loaded = k;
  return k;
}

/** Indexes into CK_FUNCTION_LIST's function pointers (PKCS#11 2.40, section 5.16). */
export const FUNCTION_INDEX = { C_Initialize: 0, C_Login: 18 } as const;

const getters = new Map<string, NativeFunction>();

/**
 * The address of one of a module's functions, from its function list. The module must already be
 * loaded (the dynamic loader then hands back the same library, and no constructor runs again).
 */
export function moduleFunction(modulePath: string, name: keyof typeof FUNCTION_INDEX): unknown {
  const k = koffi();
  let get = getters.get(modulePath);
  if (!get) {
    get = k.load(modulePath).func('unsigned long C_GetFunctionList(_Out_ void **list)');
    getters.set(modulePath, get);
  }
  const list: unknown[] = [null];
  const rv = get(list) as number;
  if (rv !== 0) throw new pkcs11.Pkcs11Error(`C_GetFunctionList failed: ${rv}`, rv, 'C_GetFunctionList');
  // CK_FUNCTION_LIST: a CK_VERSION (2 bytes), then the function pointers at pointer alignment
  // (the Unix ABI; Windows builds of PKCS#11 pack to 1 byte).
  const pointer = k.sizeof('void *');
  return k.decode(list[0], pointer + FUNCTION_INDEX[name] * pointer, 'void *') as unknown;
}
