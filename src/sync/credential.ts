/**
 * The kiosk's credential for the central service, kept in its data directory with mode 0600: it
 * is the kiosk's identity, so only the kiosk's own user may read it.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CapbuError } from '../errors.js';

export const CREDENTIAL_FILE = 'central-credential.json';

export interface KioskCredential {
  /** Base URL of the central service, e.g. https://capbu.example.vn */
  readonly server: string;
  readonly kioskId: string;
  readonly province: string;
  readonly channel: string;
  /** `<kiosk id>.<secret>`, sent as a bearer token. */
  readonly credential: string;
  readonly enrolledAt: string;
}

export function credentialPath(dataDir: string): string {
  return join(dataDir, CREDENTIAL_FILE);
}

/** Written beside and renamed over, so a crash never leaves half a credential. */
export function saveCredential(dataDir: string, credential: KioskCredential): string {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = credentialPath(dataDir);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(credential, null, 2)}\n`, { mode: 0o600 });
  // The mode argument is filtered by the umask; set it outright.
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
  return path;
}

export function loadCredential(dataDir: string): KioskCredential {
  let text: string;
  try {
    text = readFileSync(credentialPath(dataDir), 'utf8');
  } catch {
    // No readable credential file is what "not enrolled" means.
    throw new CapbuError('NOT_ENROLLED');
  }
  try {
    const value = JSON.parse(text) as Partial<KioskCredential>;
    if (typeof value.server === 'string' && typeof value.kioskId === 'string' && typeof value.credential === 'string') {
      return value as KioskCredential;
    }
  } catch {
    // Falls through: a damaged file means enrolling again.
  }
  throw new CapbuError('NOT_ENROLLED');
}
