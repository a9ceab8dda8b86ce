/** PKCS#10 certification requests (RFC 2986), written around a signature made elsewhere (a token). */
import { DerWriter, element, TAG } from './der.js';
import { signedEnvelope, type SigningAlgorithm } from './signature.js';

/** CertificationRequestInfo { version 0, subject, subjectPKInfo, attributes [0] {} }: the bytes the key signs. */
export function certificationRequestInfo(subjectDer: Uint8Array, spki: Uint8Array): Buffer {
  const w = new DerWriter();
  w.constructed(TAG.sequence, () => {
    w.primitive(TAG.integer, Buffer.from([0]));
    // The subject exactly as the old certificate encodes it: the centre compares the bytes.
    w.copy(element(subjectDer, TAG.sequence));
    w.copy(element(spki, TAG.sequence));
    w.primitive(TAG.explicit(0), Buffer.alloc(0));
  });
  return w.toBytes();
}

export function certificationRequest(info: Uint8Array, algorithm: SigningAlgorithm, signature: Uint8Array): Uint8Array {
  return new Uint8Array(signedEnvelope(info, algorithm, signature));
}
