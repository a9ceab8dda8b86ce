/**
 * What survives the centre's database being deleted: a mark, kept with the CA key, that the key
 * has issued. A centre whose key has issued but whose database holds none of it would issue a
 * second certificate for every old certificate already renewed, so it refuses to start
 * (CENTRAL_DB_EMPTY) unless told the database is deliberately new (`serve --new-database`).
 *
 * The mark is written before the key's first certificate, so a crash between signing and storing
 * still leaves it. For a PEM key it is a file beside the key (KEY.issued); for a key in an HSM, a
 * data object on the HSM's token (hsm-signer.ts), which outlives the centre's machine too. Each
 * mark names the new CA's public key, so a mark left by an earlier key at the same place counts
 * for nothing.
 */
import { createHash } from 'node:crypto';
import { accessSync, closeSync, constants, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CaCertificate } from '../campaign/campaign.js';
import { CapbuError } from '../errors.js';
import type { CaSigner } from './signer.js';
import type { CentralStore } from './storage/store.js';

export interface IssuedMarker {
  /** Where the mark is kept, for the operator: a path, or the HSM object's label. */
  readonly where: string;
  /** When the key first issued ('unknown' for a mark that cannot be read); null when it has not. */
  read(): Promise<string | null>;
  /** Records that the key issues from `at` on; keeps an earlier mark as it is. */
  write(at: Date): Promise<void>;
  /** Throws when the mark could not be written, so the service says so at start, not at its first renewal. */
  assertWritable(): Promise<void>;
}

export interface MarkContent {
  readonly capbuIssuedMark: 1;
  /** sha256 (hex) of the new CA certificate's SubjectPublicKeyInfo. */
  readonly key: string;
  readonly firstIssuedAt: string;
}

export function keyFingerprint(newCa: CaCertificate): string {
  return createHash('sha256').update(newCa.publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

export function markContent(newCa: CaCertificate, at: Date): string {
  const content: MarkContent = { capbuIssuedMark: 1, key: keyFingerprint(newCa), firstIssuedAt: at.toISOString() };
  return JSON.stringify(content);
}

/** The mark's first-issue time when `text` is this key's mark, null when it is another key's. */
export function readMark(text: string, newCa: CaCertificate): string | null {
  let content: Partial<MarkContent>;
  try {
    content = JSON.parse(text) as Partial<MarkContent>;
  } catch {
    // A damaged mark still says the key issued: refusing costs a flag, not a certificate.
    return 'unknown';
  }
  if (content.key !== keyFingerprint(newCa)) return null;
  return typeof content.firstIssuedAt === 'string' ? content.firstIssuedAt : 'unknown';
}

/** KEY.issued beside a PEM key file, written whole (temporary file, fsync, rename, fsync of the folder). */
export function fileMarker(keyPath: string, newCa: CaCertificate): IssuedMarker {
  const path = `${keyPath}.issued`;
  const read = async (): Promise<string | null> => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      return 'unknown';
    }
    return readMark(text, newCa);
  };
  return {
    where: path,
    read,
    assertWritable: async () => {
      try {
        accessSync(dirname(path), constants.W_OK);
      } catch (error) {
        throw new CapbuError('CA_KEY_INVALID', { key: keyPath, problem: 'issued mark not writable', marker: path }, { cause: error });
      }
    },
    write: async (at) => {
      if ((await read()) !== null) return;
      const temporary = `${path}.${process.pid}.tmp`;
      const fd = openSync(temporary, 'w', 0o600);
      try {
        writeSync(fd, markContent(newCa, at));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, path);
      const folder = openSync(dirname(path), 'r');
      try {
        fsyncSync(folder);
      } finally {
        closeSync(folder);
      }
    },
  };
}

export interface IssuanceCheck {
  readonly db: string;
  /** The key as the operator named it (redacted). */
  readonly key: string;
  readonly newDatabase: boolean;
  readonly at: Date;
}

/**
 * At start: CENTRAL_DB_EMPTY for a database that holds nothing of a key that has issued, unless
 * the operator says it is new (then the database remembers it, so a restart before its first
 * renewal needs no flag), and the answer is what to log about it. A key whose database holds
 * issuance but that has no mark yet (a centre from before marks) is marked now.
 */
export async function checkIssuanceRecord(signer: CaSigner, store: CentralStore, check: IssuanceCheck): Promise<Record<string, string> | null> {
  const [since, holds] = await Promise.all([signer.marker.read(), store.holdsIssuance()]);
  if (since !== null && !holds) {
    const details = { db: check.db, key: check.key, since, marker: signer.marker.where };
    if (!check.newDatabase) throw new CapbuError('CENTRAL_DB_EMPTY', details);
    await store.acceptNewDatabase(check.at);
    return details;
  }
  if (since === null && holds) await signer.marker.write(check.at);
  else if (since === null) await signer.marker.assertWritable();
  return null;
}

/** The signer issuance uses: the mark is on disk (or the HSM) before the key's first signature. */
export function markedBeforeSigning(signer: CaSigner, now: () => Date): CaSigner {
  let marked: Promise<void> | undefined;
  const mark = () =>
    (marked ??= signer.marker.write(now()).catch((error: unknown) => {
      marked = undefined;
      throw error;
    }));
  return {
    ...signer,
    sign: async (data) => {
      await mark();
      return signer.sign(data);
    },
  };
}
