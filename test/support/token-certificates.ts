/** What is on a demo token, read by tools other than capbu: pkcs11-tool lists, openssl reads. */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DemoWorld } from '../../src/demo/world.js';

const SOFTHSM = '/usr/lib/softhsm/libsofthsm2.so';

/** The serials (lowercase hex) of every certificate object on the token labelled `label`. */
export function certificateSerials(world: DemoWorld, label: string): string[] {
  const env = { ...process.env, SOFTHSM2_CONF: world.env.SOFTHSM2_CONF };
  const listing = execFileSync('pkcs11-tool', ['--module', SOFTHSM, '--token-label', label, '--list-objects', '--type', 'cert'], { env, encoding: 'utf8' });
  const ids = [...listing.matchAll(/ID:\s+([0-9a-f]+)/g)].map((m) => m[1]!);
  return ids.map((id) => {
    const der = execFileSync('pkcs11-tool', ['--module', SOFTHSM, '--token-label', label, '--read-object', '--type', 'cert', '--id', id], { env });
    const file = join(world.directory, `${label}-${id}.der`);
    writeFileSync(file, der);
    return execFileSync('openssl', ['x509', '-inform', 'DER', '-in', file, '-noout', '-serial'], { encoding: 'utf8' }).trim().replace(/^serial=/, '').toLowerCase();
  });
}
