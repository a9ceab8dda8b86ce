/**
 * A PKCS#10 request signed on the token by the certificate's own private key: the renewal keeps
 * the customer's key, and the request is the proof the centre checks that the key is there.
 */
import { createPublicKey } from 'node:crypto';
import type { CertificateFacts } from '../pki/certificate.js';
import { x509 } from '../pki/x509.js';
import type { TokenKey } from './objects.js';
import type { Session } from './session.js';
import { sign } from './sign.js';

/** Signs with a token key through the WebCrypto-shaped seam @peculiar/x509 takes as its provider. */
function tokenProvider(session: Session, key: TokenKey, spki: Uint8Array) {
  const signWith = async (algorithm: { name: string }, _key: unknown, data: ArrayBuffer): Promise<ArrayBuffer> => {
    const signature = await sign(session, key.handle, algorithm.name === 'ECDSA' ? 'ec' : 'rsa', new Uint8Array(data));
    return new Uint8Array(signature).buffer;
  };
  return {
    getRandomValues: <T extends ArrayBufferView>(array: T) => globalThis.crypto.getRandomValues(array as never) as T,
    subtle: { sign: signWith, exportKey: async () => new Uint8Array(spki).buffer },
  };
}

export async function requestOnToken(session: Session, key: TokenKey, certificate: CertificateFacts): Promise<Uint8Array> {
  const ec = createPublicKey({ key: Buffer.from(certificate.spki), format: 'der', type: 'spki' }).asymmetricKeyType === 'ec';
  const algorithm = ec ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'RSASSA-PKCS1-v1_5' };
  const handle = (type: 'public' | 'private') => ({ algorithm, type, extractable: false, usages: type === 'private' ? ['sign'] : ['verify'] });
  const csr = await x509.Pkcs10CertificateRequestGenerator.create(
    {
      // The Name parsed from the certificate's own bytes, so the subject stays byte for byte.
      name: new x509.Name(new Uint8Array(certificate.subjectDer)),
      keys: { publicKey: handle('public'), privateKey: handle('private') } as never,
      signingAlgorithm: { ...algorithm, hash: 'SHA-256' },
    },
    tokenProvider(session, key, certificate.spki) as never,
  );
  return new Uint8Array(csr.rawData);
}
