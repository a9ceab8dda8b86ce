/** Small records an application keeps on a token as CKO_DATA objects (the centre's issued mark on its HSM). */
import type { Template } from 'pkcs11js';
import { guard } from './errors.js';
import { pkcs11js } from './module.js';
import { findObjects, readAttributes } from './objects.js';
import type { Session } from './session.js';

export interface DataName {
  /** CKA_APPLICATION */
  readonly application: string;
  /** CKA_LABEL */
  readonly label: string;
}

const named = (name: DataName): Template => [
  { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_DATA },
  { type: pkcs11js.CKA_APPLICATION, value: name.application },
  { type: pkcs11js.CKA_LABEL, value: name.label },
];

/** The values of the data objects of that name the session can see (private ones need the login). */
export function readDataObjects(session: Session, name: DataName): Buffer[] {
  return findObjects(session, named(name)).map((handle) => readAttributes(session, handle, [pkcs11js.CKA_VALUE]).get(pkcs11js.CKA_VALUE) ?? Buffer.alloc(0));
}

/** A private, unmodifiable data object on the token itself; the session must be read-write and logged in. */
export function createDataObject(session: Session, name: DataName, value: Buffer): void {
  const template: Template = [
    ...named(name),
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_PRIVATE, value: true },
    { type: pkcs11js.CKA_MODIFIABLE, value: false },
    { type: pkcs11js.CKA_VALUE, value },
  ];
  guard(() => session.lib.C_CreateObject(session.handle, template));
}
