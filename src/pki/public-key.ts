/**
 * One comparable identity for a public key, whether it comes from a certificate's
 * SubjectPublicKeyInfo or from a token's key attributes (RSA modulus and exponent, EC point).
 * Two keys are the same key exactly when their identities are equal.
 */
import { element, oidOf, TAG } from './der.js';
import { CURVES, publicKeyFromSpki } from './signature.js';

export type PublicKeyId = string;

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').replace(/^(00)+(?=.)/, '');
}

function fromBase64Url(text: string): Uint8Array {
  return Buffer.from(text, 'base64url');
}

export function publicKeyIdFromSpki(spki: Uint8Array): PublicKeyId | null {
  let jwk;
  try {
    jwk = publicKeyFromSpki(element(spki, TAG.sequence)).export({ format: 'jwk' });
  } catch {
    // A key Node cannot import has no identity capbu can compare.
    return null;
  }
  if (jwk.kty === 'RSA' && jwk.n && jwk.e) return rsaId(fromBase64Url(jwk.n), fromBase64Url(jwk.e));
  if (jwk.kty === 'EC' && jwk.crv && jwk.x && jwk.y) {
    return ecId(jwk.crv, Buffer.concat([Buffer.from([4]), fromBase64Url(jwk.x), fromBase64Url(jwk.y)]));
  }
  return null;
}

export function rsaId(modulus: Uint8Array, exponent: Uint8Array): PublicKeyId {
  return `rsa:${hex(modulus)}:${hex(exponent)}`;
}

function ecId(curve: string, point: Uint8Array): PublicKeyId {
  return `ec:${curve}:${Buffer.from(point).toString('hex')}`;
}

/**
 * From PKCS#11 CKA_EC_PARAMS (DER OID) and CKA_EC_POINT (a DER OCTET STRING around the point,
 * though some modules return the bare point).
 */
export function publicKeyIdFromEc(params: Uint8Array, point: Uint8Array): PublicKeyId | null {
  let curve: string | undefined;
  try {
    curve = CURVES[oidOf(element(params, TAG.oid))]?.crv;
  } catch {
    // EC parameters that are not a named curve's OID: no identity to compare.
    return null;
  }
  return curve ? ecId(curve, bareEcPoint(point)) : null;
}

/** CKA_EC_POINT without its DER OCTET STRING, for the modules that wrap it. */
export function bareEcPoint(point: Uint8Array): Uint8Array {
  try {
    return element(point, TAG.octetString).content;
  } catch {
    // Not wrapped in an OCTET STRING: the module gave the bare point.
    return point;
  }
}
