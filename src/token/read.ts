/** One pass over a token: its certificates and keys. */
import { parseCertificate, publicKeyOf } from '../pki/certificate.js';
import type { Pkcs11 } from './module.js';
import { provesKey } from './key-proof.js';
import { readCertificates, readKeys, type CertificateObject, type TokenKey } from './objects.js';
import { closeSession, openSession, type Session } from './session.js';
import type { TokenSummary } from './slots.js';

export interface TokenContents {
  readonly token: TokenSummary;
  /** Whether private keys were seen (the user logged in). */
  readonly loggedIn: boolean;
  readonly certificates: readonly CertificateObject[];
  /** Public key objects, and private keys when logged in. */
  readonly keys: readonly TokenKey[];
}

/** Gives hidden-public-half private keys the identity of the certificate key they prove to hold. */
function resolveHiddenKeys(session: Session, keys: TokenKey[], certificates: readonly CertificateObject[]): TokenKey[] {
  return keys.map((key) => {
    if (key.keyClass !== 'private' || key.publicKeyId !== null) return key;
    // Same CKA_ID first: a hint that saves signatures, never taken as proof.
    const ordered = [...certificates].sort((a, b) => Number(b.id.equals(key.id)) - Number(a.id.equals(key.id)));
    for (const cert of ordered) {
      let facts;
      try {
        facts = parseCertificate(cert.value);
      } catch {
        // A certificate object that does not parse cannot vouch for any key.
        continue;
      }
      if (provesKey(session, key, publicKeyOf(facts))) return { ...key, publicKeyId: facts.publicKeyId };
    }
    return key;
  });
}

/** The private keys a logged-in session sees, each with the public key it is proven to match. */
export function privateKeys(session: Session, certificates: readonly CertificateObject[]): TokenKey[] {
  return resolveHiddenKeys(session, readKeys(session, 'private'), certificates);
}

/** What an open session sees: private keys too when it is logged in. */
export function contentsOf(session: Session): TokenContents {
  const certificates = readCertificates(session);
  const publicKeys = readKeys(session, 'public');
  const secret = session.loggedIn ? privateKeys(session, certificates) : [];
  return { token: session.token, loggedIn: session.loggedIn, certificates, keys: [...publicKeys, ...secret] };
}

/** What the token shows without the PIN (a login goes through the PIN guard, then `contentsOf`). */
export function readToken(lib: Pkcs11, token: TokenSummary): TokenContents {
  const session = openSession(lib, token);
  try {
    return contentsOf(session);
  } finally {
    closeSession(session);
  }
}
