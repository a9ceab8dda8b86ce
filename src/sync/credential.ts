/**
 * The kiosk's credential for the central service, kept in its data directory with mode 0600: it
 * is the kiosk's identity, so only the kiosk's own user may read it.
 */
import { closeSync, existsSync, fchmodSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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

/**
 * Where the credential will go, made ready before the one-time code is spent: the directory is
 * created and the file beside the credential opened, so an unwritable data directory stops the
 * enrolment (STORE_FAILED) while the code is still good. The credential is written there and
 * renamed over, so a crash never leaves half a credential.
 */
export interface CredentialSlot {
  save(credential: KioskCredential): string;
  discard(): void;
}

export function credentialSlot(dataDir: string): CredentialSlot {
  const path = credentialPath(dataDir);
  const temporary = `${path}.${process.pid}.tmp`;
  let fd: number;
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // A directory (or anything not a file) in the credential's place would refuse the rename.
    if (existsSync(path) && !lstatSync(path).isFile()) throw new Error(`${path} is not a file`);
    fd = openSync(temporary, 'w', 0o600);
    // The mode argument is filtered by the umask; set it outright.
    fchmodSync(fd, 0o600);
  } catch (error) {
    throw new CapbuError('STORE_FAILED', { path: dataDir, problem: 'unwritable' }, { cause: error });
  }
  return {
    save: (credential) => {
      try {
        writeFileSync(fd, `${JSON.stringify(credential, null, 2)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, path);
      return path;
    },
    discard: () => {
      closeSync(fd);
      rmSync(temporary, { force: true });
    },
  };
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

/** The credential, or null for a kiosk not enrolled (yet). */
export function credentialOrNull(dataDir: string): KioskCredential | null {
  try {
    return loadCredential(dataDir);
  } catch (error) {
    if (error instanceof CapbuError && error.code === 'NOT_ENROLLED') return null;
    throw error;
  }
}
