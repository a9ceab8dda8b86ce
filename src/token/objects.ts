/** Reading the certificate and key objects a session can see. */
import { publicKeyIdFromEc, rsaId, type PublicKeyId } from '../pki/public-key.js';
import { CKR, failedWith, fromPkcs11, guard } from './errors.js';
import type { Template } from 'pkcs11js';
import { pkcs11js } from './module.js';
import type { Session } from './session.js';

export interface CertificateObject {
  readonly handle: Buffer;
  readonly id: Buffer;
  readonly label: string;
  /** CKA_VALUE: the DER bytes, or whatever the object holds instead. */
  readonly value: Buffer;
}

export type KeyClass = 'public' | 'private';

export interface TokenKey {
  readonly handle: Buffer;
  readonly keyClass: KeyClass;
  readonly keyType: 'rsa' | 'ec' | 'other';
  readonly id: Buffer;
  readonly label: string;
  /** Null when the token does not expose the public half (EC private keys). */
  readonly publicKeyId: PublicKeyId | null;
}

export function findObjects(session: Session, template: Template): Buffer[] {
  const { lib, handle } = session;
  return guard(() => {
    lib.C_FindObjectsInit(handle, template);
    try {
      const found: Buffer[] = [];
      for (let batch = lib.C_FindObjects(handle, 64); batch.length > 0; batch = lib.C_FindObjects(handle, 64)) {
        found.push(...batch);
      }
      return found;
    } finally {
      lib.C_FindObjectsFinal(handle);
    }
  });
}

/** The private keys with this label and/or CKA_ID (a login may be needed to see them). */
export function findPrivateKeys(session: Session, by: { readonly label?: string; readonly id?: Buffer }): Buffer[] {
  const template: Template = [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }];
  if (by.label !== undefined) template.push({ type: pkcs11js.CKA_LABEL, value: by.label });
  if (by.id !== undefined) template.push({ type: pkcs11js.CKA_ID, value: by.id });
  return findObjects(session, template);
}

/** Attribute values by type; an attribute the object lacks or hides is simply absent. */
export function readAttributes(session: Session, object: Buffer, types: readonly number[]): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  const keep = (attrs: { type: number; value?: unknown }[]) => {
    for (const attr of attrs) if (attr.value instanceof Buffer) out.set(attr.type, attr.value);
  };
  try {
    // One round trip when the object has them all, as certificates and keys usually do.
    keep(session.lib.C_GetAttributeValue(session.handle, object, types.map((type) => ({ type }))));
    return out;
  } catch (error) {
    if (!absent(error)) throw fromPkcs11(error);
  }
  for (const type of types) {
    try {
      keep(session.lib.C_GetAttributeValue(session.handle, object, [{ type }]));
    } catch (error) {
      if (!absent(error)) throw fromPkcs11(error);
    }
  }
  return out;
}

/** Missing or sensitive attributes are normal; a pulled token is not. */
function absent(error: unknown): boolean {
  return failedWith(error, CKR.ATTRIBUTE_TYPE_INVALID, CKR.ATTRIBUTE_SENSITIVE);
}

export function readCertificates(session: Session): CertificateObject[] {
  const handles = findObjects(session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE }]);
  return handles.map((handle) => {
    const attrs = readAttributes(session, handle, [pkcs11js.CKA_VALUE, pkcs11js.CKA_ID, pkcs11js.CKA_LABEL]);
    return {
      handle,
      id: attrs.get(pkcs11js.CKA_ID) ?? Buffer.alloc(0),
      label: attrs.get(pkcs11js.CKA_LABEL)?.toString('utf8') ?? '',
      value: attrs.get(pkcs11js.CKA_VALUE) ?? Buffer.alloc(0),
    };
  });
}

function keyType(value: Buffer | undefined): TokenKey['keyType'] {
  if (!value) return 'other';
  const type = value.readUIntLE(0, Math.min(value.length, 6));
  if (type === pkcs11js.CKK_RSA) return 'rsa';
  if (type === pkcs11js.CKK_EC) return 'ec';
  return 'other';
}

export function readKeys(session: Session, keyClass: KeyClass): TokenKey[] {
  const cko = keyClass === 'public' ? pkcs11js.CKO_PUBLIC_KEY : pkcs11js.CKO_PRIVATE_KEY;
  const handles = findObjects(session, [{ type: pkcs11js.CKA_CLASS, value: cko }]);
  return handles.map((handle) => {
    const a = readAttributes(session, handle, [
      pkcs11js.CKA_KEY_TYPE,
      pkcs11js.CKA_ID,
      pkcs11js.CKA_LABEL,
      pkcs11js.CKA_MODULUS,
      pkcs11js.CKA_PUBLIC_EXPONENT,
      pkcs11js.CKA_EC_PARAMS,
      pkcs11js.CKA_EC_POINT,
    ]);
    const type = keyType(a.get(pkcs11js.CKA_KEY_TYPE));
    const modulus = a.get(pkcs11js.CKA_MODULUS);
    const exponent = a.get(pkcs11js.CKA_PUBLIC_EXPONENT);
    const params = a.get(pkcs11js.CKA_EC_PARAMS);
    const point = a.get(pkcs11js.CKA_EC_POINT);
    let publicKeyId: PublicKeyId | null = null;
    if (type === 'rsa' && modulus && exponent) publicKeyId = rsaId(modulus, exponent);
    if (type === 'ec' && params && point) publicKeyId = publicKeyIdFromEc(params, point);
    return {
      handle,
      keyClass,
      keyType: type,
      id: a.get(pkcs11js.CKA_ID) ?? Buffer.alloc(0),
      label: a.get(pkcs11js.CKA_LABEL)?.toString('utf8') ?? '',
      publicKeyId,
    };
  });
}
