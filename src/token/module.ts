/** Loading a PKCS#11 library: once per process and path, since C_Initialize may run only once. */
import { existsSync } from 'node:fs';
import pkcs11 from 'pkcs11js';
import { CapbuError } from '../errors.js';

export const DEBIAN_SOFTHSM2 = '/usr/lib/softhsm/libsofthsm2.so';

/** --module PATH, else $CAPBU_PKCS11_MODULE, else Debian's SoftHSM2. */
export function modulePath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.CAPBU_PKCS11_MODULE ?? DEBIAN_SOFTHSM2;
}

/** The CommonJS module's constants only exist on its default export under ESM. */
export const pkcs11js = pkcs11;
export type Pkcs11 = pkcs11.PKCS11;

const loaded = new Map<string, Pkcs11>();

export function loadModule(path: string): Pkcs11 {
  const cached = loaded.get(path);
  if (cached) return cached;
  if (!existsSync(path)) throw new CapbuError('MODULE_LOAD_FAILED', { path });
  const lib = new pkcs11.PKCS11();
  try {
    lib.load(path);
    lib.C_Initialize();
  } catch (error) {
    throw new CapbuError('MODULE_LOAD_FAILED', { path }, { cause: error });
  }
  loaded.set(path, lib);
  return lib;
}

