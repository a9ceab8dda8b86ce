/**
 * C_Login with the customer's PIN as bytes, never as a JavaScript string. pkcs11js takes the PIN
 * only as a string, and a string cannot be wiped: V8 keeps its characters in heap pages that
 * outlive it (on Node 24 even the pages of a finished worker thread stay readable in V8's
 * process-wide page pool for seconds, and the main isolate may take them over). So the login
 * calls the module's own C_Login through its function list (koffi, a C FFI), handing it a pointer
 * to the caller's buffer, which the caller then zeroes.
 *
 * The module is the one pkcs11js loaded: the dynamic loader hands back the same library for the
 * same path, so the session handle and the login state (which belongs to the token, not to a
 * session) are shared with pkcs11js's calls.
 */
import { createRequire } from 'node:module';
import type * as Koffi from 'koffi';
import { pkcs11js } from './module.js';

/** Index of C_Login among CK_FUNCTION_LIST's function pointers (PKCS#11 2.40, section 5.16). */
const C_LOGIN_INDEX = 18;

interface Module {
  readonly functionList: () => unknown;
}

let ffi: { koffi: typeof Koffi; login: Koffi.TypeObject } | null = null;
const modules = new Map<string, Module>();

/** koffi is loaded on the first login only: most commands never log in. */
function koffi(): NonNullable<typeof ffi> {
  if (ffi) return ffi;
  const k = createRequire(import.meta.url)('koffi') as typeof Koffi;
  const login = k.proto('unsigned long CK_C_Login(unsigned long session, unsigned long userType, const uint8_t *pin, unsigned long pinLen)');
  ffi = { koffi: k, login };
  return ffi;
}

function open(modulePath: string): Module {
  const cached = modules.get(modulePath);
  if (cached) return cached;
  const { koffi: k } = koffi();
  const getFunctionList = k.load(modulePath).func('unsigned long C_GetFunctionList(_Out_ void **list)');
  const module: Module = {
    functionList: () => {
      const list: unknown[] = [null];
      const rv = getFunctionList(list) as number;
      if (rv !== 0) throw new pkcs11js.Pkcs11Error(`C_GetFunctionList failed: ${rv}`, rv, 'C_GetFunctionList');
      return list[0];
    },
  };
  modules.set(modulePath, module);
  return module;
}

/** One C_Login with `pin`; throws a Pkcs11Error as pkcs11js would have. Zeroing `pin` is the caller's. */
export function loginWithBytes(modulePath: string, session: Buffer, userType: number, pin: Buffer): void {
  const { koffi: k, login } = koffi();
  const list = open(modulePath).functionList();
  // CK_FUNCTION_LIST: a CK_VERSION (2 bytes), then the function pointers at pointer alignment
  // (the Unix ABI; Windows builds of PKCS#11 pack to 1 byte).
  const pointer = k.sizeof('void *');
  const cLogin = k.decode(list, pointer + C_LOGIN_INDEX * pointer, 'void *') as unknown;
  // pkcs11js keeps a CK_SESSION_HANDLE (a CK_ULONG) as its native bytes.
  const handle = session.length === 8 ? session.readBigUInt64LE(0) : session.readUInt32LE(0);
  const rv = Number(k.call(cLogin, login, handle, userType, pin, pin.length));
  if (rv !== 0) throw new pkcs11js.Pkcs11Error(`C_Login failed: ${rv}`, rv, 'C_Login');
}
