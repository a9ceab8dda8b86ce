/** A campaign's CA certificate, read from the file the campaign names, and the identity of its key. */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { CapbuError } from '../errors.js';
import { certificatesFromFile, parseCertificate, type CertificateFacts } from './certificate.js';

export interface CaCertificate {
  readonly facts: CertificateFacts;
  readonly publicKey: KeyObject;
  /**
   * SHA-256 (lowercase hex) of the certificate's SubjectPublicKeyInfo: which key this CA signs
   * with. Every wave's CA bears one name, so the key, never the name, tells them apart.
   */
  readonly keyId: string;
}

/** The CA certificate in a file's bytes: the first certificate it holds. */
export function parseCaCertificate(bytes: Uint8Array, path: string): CaCertificate {
  for (const der of certificatesFromFile(bytes)) {
    try {
      const facts = parseCertificate(der);
      const spki = Buffer.from(facts.spki);
      return {
        facts,
        publicKey: createPublicKey({ key: spki, format: 'der', type: 'spki' }),
        keyId: createHash('sha256').update(spki).digest('hex'),
      };
    } catch {
      // Not a certificate (a key in the same PEM file, say): keep looking.
    }
  }
  throw new CapbuError('CA_CERT_INVALID', { path });
}
