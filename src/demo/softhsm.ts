/** A private SoftHSM2 world in a directory: its own config and token store. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes the config and returns its path; point SOFTHSM2_CONF at it before loading the module. */
export function softHsmConfig(directory: string): string {
  const tokens = join(directory, 'tokens');
  mkdirSync(tokens, { recursive: true });
  const conf = join(directory, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = true\n`);
  return conf;
}
