/**
 * A PKCS#10 request signed on the token by the certificate's own private key: the renewal keeps
 * the customer's key, and the request is the proof the centre checks that the key is there.
 * ECDSA keys sign with their own curve's hash (P-384 with SHA-384, P-521 with SHA-512).
 */
import { createHash } from 'node:crypto';
import { CapbuError } from '../errors.js';
import type { CertificateFacts } from '../pki/certificate.js';
import { element, TAG } from '../pki/der.js';
import { certificationRequest, certificationRequestInfo } from '../pki/request.js';
import { signingAlgorithmFor } from '../pki/signature.js';
import { guard, guardAsync } from './errors.js';
import { pkcs11js } from './module.js';
import type { KeyObject } from './objects.js';
import type { Session } from './session.js';

export async function requestOnToken(session: Session, key: KeyObject, certificate: CertificateFacts): Promise<Uint8Array> {
  const algorithm = signingAlgorithmFor(element(certificate.spki, TAG.sequence));
  if (!algorithm) throw new CapbuError('KEY_UNSUPPORTED');
  const info = certificationRequestInfo(certificate.subjectDer, certificate.spki);
  const ecdsa = algorithm.key === 'ec';
  // SoftHSM2 and many tokens have no CKM_ECDSA_SHA384: hash here, sign the digest on the token.
  guard(() => session.lib.C_SignInit(session.handle, { mechanism: ecdsa ? pkcs11js.CKM_ECDSA : pkcs11js.CKM_SHA256_RSA_PKCS }, key.handle));
  const input = ecdsa ? createHash(algorithm.hash).update(info).digest() : info;
  const signature = await guardAsync(() => session.lib.C_SignAsync(session.handle, input, Buffer.alloc(1024)));
  return certificationRequest(info, algorithm, signature);
}
