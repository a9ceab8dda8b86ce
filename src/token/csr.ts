/**
 * A PKCS#10 request signed on the token by the certificate's own private key: the renewal keeps
 * the customer's key, and the request is the proof the centre checks that the key is there.
 * ECDSA keys sign with their own curve's hash (P-384 with SHA-384, P-521 with SHA-512).
 */
import { CapbuError } from '../errors.js';
import type { CertificateFacts } from '../pki/certificate.js';
import { element, TAG } from '../pki/der.js';
import { certificationRequest, certificationRequestInfo } from '../pki/request.js';
import { signingAlgorithmFor } from '../pki/signature.js';
import type { TokenKey } from './objects.js';
import type { Session } from './session.js';
import { sign } from './sign.js';

export async function requestOnToken(session: Session, key: TokenKey, certificate: CertificateFacts): Promise<Uint8Array> {
  const algorithm = signingAlgorithmFor(element(certificate.spki, TAG.sequence));
  if (!algorithm) throw new CapbuError('KEY_UNSUPPORTED');
  const info = certificationRequestInfo(certificate.subjectDer, certificate.spki);
  const signature = await sign(session, key.handle, algorithm.key, info, algorithm.hash);
  return certificationRequest(info, algorithm, signature);
}
