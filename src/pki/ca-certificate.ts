/** A campaign's CA certificate, read from the file the campaign names, and the identity of its key. */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { CapbuError } from '../errors.js';
import { certificatesFromFile, parseCertificate, type CertificateFacts } from './certificate.js';
import { subjectKeyId } from './key-identifier.js';

export interface CaCertificate {
  readonly facts: CertificateFacts;
  readonly publicKey: KeyObject;
  /**
   * The CA key's identifier (lowercase hex), as the certificates it issues name it in their
   * AuthorityKeyIdentifier (key-identifier.ts): with the serial, what keys an old certificate
   * at the centre and in the kiosk's registry copy.
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
        keyId: subjectKeyId(facts).toString('hex'),
      };
    } catch {
      // Not a certificate (a key in the same PEM file, say): keep looking.
    }
  }
  throw new CapbuError('CA_CERT_INVALID', { path });
}
