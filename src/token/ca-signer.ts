/**
 * The new CA's key in an HSM, named by an RFC 7512 PKCS#11 URI such as
 * `pkcs11:token=ca-hsm;object=ca`. The key never leaves the token: issuance hands it the bytes
 * to sign. Signing runs through pkcs11js's asynchronous C_Sign so the service keeps answering
 * while the HSM works, on a few sessions so several signatures can be under way at once.
 */
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { Mechanism, Template } from 'pkcs11js';
import type { CaCertificate } from '../campaign/campaign.js';
import { algorithmFor, checkedSignature, type CaSigner } from '../central/signer.js';
import { CapbuError } from '../errors.js';
import { fromPkcs11 } from './errors.js';
import { loadModule, modulePath, pkcs11js } from './module.js';
import { findObjects } from './objects.js';
import { Pin } from './pin.js';
import { closeSession, login, openSession, type Session } from './session.js';
import { listTokens, type TokenSummary } from './slots.js';

/** The parts of a PKCS#11 URI capbu uses to find a key (RFC 7512 §2.3). */
export interface Pkcs11KeyUri {
  readonly token?: string;
  readonly serial?: string;
  readonly manufacturer?: string;
  readonly model?: string;
  readonly object?: string;
  readonly id?: Buffer;
  readonly modulePath?: string;
}

const KNOWN = new Set(['token', 'serial', 'manufacturer', 'model', 'object', 'id', 'type']);

/** RFC 3986 percent-decoding to bytes: CKA_ID values are binary, which decodeURIComponent refuses. */
function percentDecode(text: string): Buffer {
  const parts = text.split(/(%[0-9A-Fa-f]{2})/);
  return Buffer.concat(parts.map((p, i) => (i % 2 === 1 ? Buffer.from(p.slice(1), 'hex') : Buffer.from(p, 'utf8'))));
}

/** The URL parser splits path from query; values are percent-encoded bytes (CKA_ID is binary). */
export function parsePkcs11Uri(uri: string): Pkcs11KeyUri {
  const bad = (problem: string) => new CapbuError('CA_KEY_INVALID', { key: uri.split('?')[0], problem });
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    // The URL parser's TypeError says only that it is not a URL.
    throw bad('not a PKCS#11 URI');
  }
  if (url.protocol !== 'pkcs11:') throw bad('not a PKCS#11 URI');
  const attrs = new Map<string, Buffer>();
  for (const part of url.pathname.split(';').filter((p) => p !== '')) {
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    if (eq < 0 || !KNOWN.has(name)) throw bad(`unsupported attribute "${name}"`);
    attrs.set(name, percentDecode(part.slice(eq + 1)));
  }
  const text = (name: string) => attrs.get(name)?.toString('utf8');
  if (attrs.has('type') && text('type') !== 'private') throw bad('type must be private');
  if (!attrs.has('object') && !attrs.has('id')) throw bad('name the key with object= or id=');
  return {
    token: text('token'),
    serial: text('serial'),
    manufacturer: text('manufacturer'),
    model: text('model'),
    object: text('object'),
    id: attrs.get('id'),
    modulePath: url.searchParams.get('module-path') ?? undefined,
  };
}

function matches(token: TokenSummary, uri: Pkcs11KeyUri): boolean {
  return (
    (uri.token === undefined || token.label === uri.token) &&
    (uri.serial === undefined || token.serial === uri.serial) &&
    (uri.manufacturer === undefined || token.manufacturer === uri.manufacturer) &&
    (uri.model === undefined || token.model === uri.model)
  );
}

/** A queue per session: C_SignInit and C_Sign must not interleave on one session. */
interface Lane {
  readonly session: Session;
  readonly key: Buffer;
  pending: number;
  tail: Promise<unknown>;
}

function signOn(lane: Lane, mechanism: Mechanism, data: Buffer): Promise<Buffer> {
  const { lib, handle } = lane.session;
  return new Promise((resolve, reject) => {
    try {
      lib.C_SignInit(handle, mechanism, lane.key);
      lib.C_Sign(handle, data, Buffer.alloc(1024), (error, signature) => (error ? reject(fromPkcs11(error)) : resolve(signature)));
    } catch (error) {
      reject(fromPkcs11(error));
    }
  });
}

export interface Pkcs11SignerOptions {
  readonly uri: string;
  readonly pin: string;
  readonly newCa: CaCertificate;
  readonly env: NodeJS.ProcessEnv;
  /** Sessions signing in parallel; defaults to the machine's parallelism, at most 4. */
  readonly sessions?: number;
}

export function openPkcs11Signer(options: Pkcs11SignerOptions): CaSigner {
  const uri = parsePkcs11Uri(options.uri);
  const shown = options.uri.split('?')[0]!;
  const algorithm = algorithmFor(options.newCa.publicKey);
  if (!algorithm) throw new CapbuError('CA_KEY_INVALID', { key: shown, problem: 'unsupported key type' });
  const lib = loadModule(uri.modulePath ?? modulePath(undefined, options.env));
  const token = listTokens(lib).find((t) => matches(t, uri));
  if (!token) throw new CapbuError('CA_KEY_NOT_FOUND', { key: shown });

  const template: Template = [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }];
  if (uri.object !== undefined) template.push({ type: pkcs11js.CKA_LABEL, value: uri.object });
  if (uri.id !== undefined) template.push({ type: pkcs11js.CKA_ID, value: uri.id });

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
      // Login is per token, so the first one covers every session; login() accepts "already".
      login(session, new Pin(options.pin));
      const keys = findObjects(session, template);
      if (keys.length === 0) throw new CapbuError('CA_KEY_NOT_FOUND', { key: shown });
      if (keys.length > 1) throw new CapbuError('CA_KEY_INVALID', { key: shown, problem: 'several keys match' });
      (lanes[i] as { key: Buffer }).key = keys[0]!;
    }
  } catch (error) {
    void close();
    throw error;
  }

  // RSA: the token hashes. ECDSA: SoftHSM2 and many HSMs only offer raw CKM_ECDSA, so hash here.
  const rsa = algorithm.name === 'RSASSA-PKCS1-v1_5';
  const mechanism: Mechanism = { mechanism: rsa ? pkcs11js.CKM_SHA256_RSA_PKCS : pkcs11js.CKM_ECDSA };

  return {
    algorithm,
    sign: (data) => {
      const lane = lanes.reduce((a, b) => (b.pending < a.pending ? b : a));
      const input = rsa ? Buffer.from(data) : createHash('sha256').update(data).digest();
      lane.pending++;
      const result = lane.tail.then(() => signOn(lane, mechanism, input));
      lane.tail = result.catch(() => undefined).finally(() => lane.pending--);
      return result.then((signature) => checkedSignature(options.newCa, data, signature));
    },
    close,
  };
}

