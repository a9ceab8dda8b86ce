/**
 * The new CA's key in an HSM, named by an RFC 7512 PKCS#11 URI (src/central/pkcs11-uri.ts). The
 * key never leaves the token: issuance hands it the bytes to sign. Signing runs off the event
 * loop so the service keeps answering while the HSM works, on a few sessions so several
 * signatures can be under way at once. The token room (src/token/) gives the sessions, the login
 * and the signature; which key and how many sessions is the centre's.
 */
import { availableParallelism } from 'node:os';
import type { CaCertificate } from '../campaign/campaign.js';
import { CapbuError } from '../errors.js';
import { createDataObject, readDataObjects } from '../token/data-objects.js';
import { loginToHsm } from '../token/hsm-login.js';
import { loadModule, modulePath } from '../token/module.js';
import { findPrivateKeys } from '../token/objects.js';
import { closeSession, openSession, type Session } from '../token/session.js';
import type { TokenSummary } from '../token/slots.js';
import { sign } from '../token/sign.js';
import { listTokens } from '../token/slots.js';
import type { HsmPin } from './hsm-pin.js';
import { keyFingerprint, markContent, readMark, type IssuedMarker } from './issued-marker.js';
import { parsePkcs11Uri, tokenMatches } from './pkcs11-uri.js';
import { algorithmFor, checkedSignature, type CaSigner } from './signer.js';

/** A queue per session: C_SignInit and C_Sign must not interleave on one session. */
interface Lane {
  readonly session: Session;
  readonly key: Buffer;
  pending: number;
  tail: Promise<unknown>;
}

export interface HsmSignerOptions {
  readonly uri: string;
  readonly pin: HsmPin;
  readonly newCa: CaCertificate;
  readonly env: NodeJS.ProcessEnv;
  /** Sessions signing in parallel; defaults to the machine's parallelism, at most 4. */
  readonly sessions?: number;
}

export function openHsmSigner(options: HsmSignerOptions): CaSigner {
  const uri = parsePkcs11Uri(options.uri);
  const shown = options.uri.split('?')[0]!;
  const algorithm = algorithmFor(options.newCa.publicKey);
  if (!algorithm) throw new CapbuError('CA_KEY_INVALID', { key: shown, problem: 'unsupported key type' });
  const keyType = algorithm.name === 'RSASSA-PKCS1-v1_5' ? 'rsa' : 'ec';
  const lib = loadModule(uri.modulePath ?? modulePath(undefined, options.env));
  const token = listTokens(lib).find((t) => tokenMatches(t, uri));
  if (!token) throw new CapbuError('CA_KEY_NOT_FOUND', { key: shown });

  const lanes: Lane[] = [];
  const close = async () => {
    await Promise.allSettled(lanes.map((l) => l.tail));
    for (const lane of lanes) closeSession(lane.session);
  };
  try {
    const count = Math.max(1, options.sessions ?? Math.min(4, availableParallelism()));
    for (let i = 0; i < count; i++) {
      const session = openSession(lib, token);
      lanes.push({ session, key: Buffer.alloc(0), pending: 0, tail: Promise.resolve() });
      options.pin.use((pin) => loginToHsm(session, pin));
      const keys = findPrivateKeys(session, { label: uri.object, id: uri.id });
      if (keys.length === 0) throw new CapbuError('CA_KEY_NOT_FOUND', { key: shown });
      if (keys.length > 1) throw new CapbuError('CA_KEY_INVALID', { key: shown, problem: 'several keys match' });
      (lanes[i] as { key: Buffer }).key = keys[0]!;
    }
  } catch (error) {
    void close();
    throw error;
  }

  return {
    algorithm,
    marker: hsmMarker(lib, token, options.newCa),
    sign: (data) => {
      const lane = lanes.reduce((a, b) => (b.pending < a.pending ? b : a));
      lane.pending++;
      const result = lane.tail.then(() => sign(lane.session, lane.key, keyType, data));
      lane.tail = result.catch(() => undefined).finally(() => lane.pending--);
      return result.then((signature) => checkedSignature(options.newCa, data, signature));
    },
    close,
  };
}

/**
 * The issued mark as a data object on the HSM's token, named after the new CA's key, so it stays
 * with the key whatever happens to the centre's machine. Its own short sessions: the signing
 * lanes' sessions never see a find or a create between C_SignInit and C_Sign. Login is per token,
 * so they are logged in already.
 */
function hsmMarker(lib: Session['lib'], token: TokenSummary, newCa: CaCertificate): IssuedMarker {
  const name = { application: 'capbu', label: `capbu issued ${keyFingerprint(newCa).slice(0, 16)}` };
  const withSession = <T>(readWrite: boolean, work: (session: Session) => T): T => {
    const session = openSession(lib, token, readWrite);
    try {
      return work(session);
    } finally {
      closeSession(session);
    }
  };
  const first = (session: Session): string | null => {
    for (const value of readDataObjects(session, name)) {
      const since = readMark(value.toString('utf8'), newCa);
      if (since !== null) return since;
    }
    return null;
  };
  return {
    where: `${token.label}: ${name.label}`,
    read: async () => withSession(false, first),
    // A read-write session is refused by a write-protected token.
    assertWritable: async () => withSession(true, () => undefined),
    write: async (at) =>
      withSession(true, (session) => {
        if (first(session) === null) createDataObject(session, name, Buffer.from(markContent(newCa, at)));
      }),
  };
}
