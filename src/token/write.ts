/** Writing objects onto a token, never leaving a half-made one behind. */
import { createPublicKey } from 'node:crypto';
import { certificateParts, parseCertificate } from '../pki/certificate.js';
import { DerWriter } from '../pki/der.js';
import { bareEcPoint } from '../pki/public-key.js';
import { CURVES } from '../pki/signature.js';
import { fromPkcs11, guard } from './errors.js';
import type { Template } from 'pkcs11js';
import { pkcs11js } from './module.js';
import { findObjects, readAttributes } from './objects.js';
import type { Session } from './session.js';

export interface CertificateToWrite {
  readonly der: Uint8Array;
  /** CKA_ID: that of the key the certificate belongs to. */
  readonly id: Buffer;
  readonly label: string;
}

/** The full template SoftHSM2 and real tokens expect; a partial one can leave debris. */
function certificateTemplate(cert: CertificateToWrite): Template {
  const parts = certificateParts(parseCertificate(cert.der));
  return [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE },
    { type: pkcs11js.CKA_CERTIFICATE_TYPE, value: pkcs11js.CKC_X_509 },
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_PRIVATE, value: false },
    { type: pkcs11js.CKA_ID, value: cert.id },
    { type: pkcs11js.CKA_LABEL, value: cert.label },
    { type: pkcs11js.CKA_SUBJECT, value: Buffer.from(parts.subject.bytes) },
    { type: pkcs11js.CKA_ISSUER, value: Buffer.from(parts.issuer.bytes) },
    { type: pkcs11js.CKA_SERIAL_NUMBER, value: Buffer.from(parts.serialNumber.bytes) },
    { type: pkcs11js.CKA_VALUE, value: Buffer.from(cert.der) },
  ];
}

const CERTIFICATES: Template = [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE }];

/** Creates the certificate object; if the create fails, destroys whatever it left. */
export function writeCertificate(session: Session, cert: CertificateToWrite): Buffer {
  const template = certificateTemplate(cert);
  const before = new Set(findObjects(session, CERTIFICATES).map((h) => h.toString('hex')));
  try {
    return session.lib.C_CreateObject(session.handle, template);
  } catch (error) {
    for (const handle of findObjects(session, CERTIFICATES)) {
      if (!before.has(handle.toString('hex'))) {
        try {
          session.lib.C_DestroyObject(session.handle, handle);
        } catch {
          // Best effort: the original failure is what the caller must hear about.
        }
      }
    }
    throw fromPkcs11(error);
  }
}

/** What a write of `cert` sets, besides class and type: the attributes a half-made object may hold. */
const WRITTEN = [pkcs11js.CKA_ID, pkcs11js.CKA_LABEL, pkcs11js.CKA_SUBJECT, pkcs11js.CKA_ISSUER, pkcs11js.CKA_SERIAL_NUMBER];

/**
 * After a write of `cert` died midway (SoftHSM2's C_CreateObject is not atomic: a kill -9 inside
 * it can leave an object with none of its attributes set), destroys what that write left: a
 * certificate object whose value is missing or a part of the certificate, and whose other
 * attributes are each either unset or the very value the write was setting. Any other object,
 * the old certificate and the finished new one included, holds something that write never
 * wrote, so it is left alone. Returns how many were destroyed.
 */
export function removeHalfWritten(session: Session, cert: CertificateToWrite): number {
  const expected = new Map(certificateTemplate(cert).map((a) => [a.type, Buffer.isBuffer(a.value) ? a.value : Buffer.from(String(a.value), 'utf8')]));
  const der = Buffer.from(cert.der);
  let removed = 0;
  for (const handle of findObjects(session, CERTIFICATES)) {
    const attrs = readAttributes(session, handle, [pkcs11js.CKA_VALUE, ...WRITTEN]);
    const value = attrs.get(pkcs11js.CKA_VALUE) ?? Buffer.alloc(0);
    const partOfCertificate = value.length < der.length && der.subarray(0, value.length).equals(value);
    const onlyWhatWasWritten = WRITTEN.every((type) => {
      const held = attrs.get(type);
      return !held || held.length === 0 || held.equals(expected.get(type)!);
    });
    if (partOfCertificate && onlyWhatWasWritten) {
      destroyObject(session, handle);
      removed++;
    }
  }
  return removed;
}

export function destroyObject(session: Session, handle: Buffer): void {
  guard(() => session.lib.C_DestroyObject(session.handle, handle));
}

/** `ec` is P-256, the curve tokens are usually issued on. */
export type KeyAlgorithm = 'rsa' | 'ec' | 'ec-p384' | 'ec-p521';

export interface GeneratedKey {
  readonly id: Buffer;
  /** SubjectPublicKeyInfo DER of the new key. */
  readonly spki: Uint8Array;
}

const CURVE_OIDS: Readonly<Record<Exclude<KeyAlgorithm, 'rsa'>, string>> = {
  ec: '1.2.840.10045.3.1.7',
  'ec-p384': '1.3.132.0.34',
  'ec-p521': '1.3.132.0.35',
};

/** A key pair made on the token (the private half never leaves it); needs a logged-in RW session. */
export function generateKeyPair(session: Session, algorithm: KeyAlgorithm, id: Buffer, label: string): GeneratedKey {
  const common = [
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_ID, value: id },
    { type: pkcs11js.CKA_LABEL, value: label },
  ];
  const publicTemplate =
    algorithm === 'rsa'
      ? [...common, { type: pkcs11js.CKA_VERIFY, value: true }, { type: pkcs11js.CKA_MODULUS_BITS, value: 2048 }, { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) }]
      : [...common, { type: pkcs11js.CKA_VERIFY, value: true }, { type: pkcs11js.CKA_EC_PARAMS, value: new DerWriter().oid(CURVE_OIDS[algorithm]).toBytes() }];
  const privateTemplate = [
    ...common,
    { type: pkcs11js.CKA_PRIVATE, value: true },
    { type: pkcs11js.CKA_SENSITIVE, value: true },
    { type: pkcs11js.CKA_EXTRACTABLE, value: false },
    { type: pkcs11js.CKA_SIGN, value: true },
  ];
  const mechanism = { mechanism: algorithm === 'rsa' ? pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN : pkcs11js.CKM_EC_KEY_PAIR_GEN };
  const keys = guard(() => session.lib.C_GenerateKeyPair(session.handle, mechanism, publicTemplate, privateTemplate));
  return { id, spki: publicKeySpki(session, keys.publicKey, algorithm) };
}

function publicKeySpki(session: Session, handle: Buffer, algorithm: KeyAlgorithm): Uint8Array {
  const get = (type: number) => guard(() => session.lib.C_GetAttributeValue(session.handle, handle, [{ type }]))[0]!.value as Buffer;
  const jwk =
    algorithm === 'rsa'
      ? { kty: 'RSA', n: get(pkcs11js.CKA_MODULUS).toString('base64url'), e: get(pkcs11js.CKA_PUBLIC_EXPONENT).toString('base64url') }
      : ecJwk(get(pkcs11js.CKA_EC_POINT), CURVES[CURVE_OIDS[algorithm]]!);
  return new Uint8Array(createPublicKey({ key: jwk, format: 'jwk' }).export({ format: 'der', type: 'spki' }));
}

function ecJwk(wrappedPoint: Buffer, curve: { crv: string; size: number }) {
  const point = Buffer.from(bareEcPoint(wrappedPoint));
  const x = point.subarray(1, 1 + curve.size).toString('base64url');
  return { kty: 'EC', crv: curve.crv, x, y: point.subarray(1 + curve.size).toString('base64url') };
}
