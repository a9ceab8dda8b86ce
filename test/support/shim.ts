/** Builds the hardware-behaviour shim module (see shim/pkcs11-shim.c) once per source version. */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = fileURLToPath(new URL('./shim/pkcs11-shim.c', import.meta.url));

/** `source`: where the C file is when this module runs from elsewhere (bench/kiosk's compiled copy). */
export function buildShim(source = SOURCE): string {
  const hash = createHash('sha256').update(readFileSync(source)).digest('hex').slice(0, 12);
  const out = join(tmpdir(), `capbu-pkcs11-shim-${hash}.so`);
  if (!existsSync(out)) {
    const partial = `${out}.${process.pid}`;
    execFileSync('cc', ['-shared', '-fPIC', '-O2', '-I/usr/include/p11-kit-1', '-o', partial, source, '-ldl']);
    execFileSync('mv', ['-f', partial, out]);
  }
  return out;
}

/** CK_TOKEN_INFO flag bits, as PKCS#11 defines them. */
export const TOKEN_FLAGS = { countLow: 0x10000, finalTry: 0x20000, locked: 0x40000 } as const;
export const CKR = { GENERAL_ERROR: 0x5, PIN_LOCKED: 0xa4 } as const;
