/**
 * C_Login with the customer's PIN in a worker thread that ends with the call. pkcs11js takes the
 * PIN only as a JavaScript string, and a string cannot be wiped: it stays in the heap until the
 * engine happens to reuse its memory, which a renewal waiting out a centre's 503s may never do.
 * Made in a worker, the string lives in that worker's own heap, which is torn down when the worker
 * exits. The PIN crosses as bytes in shared memory that both sides zero.
 *
 * Login state belongs to the token, not to a session or a thread: a login made through the
 * worker's session handle (the same module, loaded once per process) holds for the main thread's
 * sessions of that token. The worker finds the module initialised already and must not finalise
 * it. The main thread waits for it (Atomics.wait), so the call stays as synchronous as C_Login.
 */
import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { CapbuError } from '../errors.js';
import { pkcs11js } from './module.js';

/** A real token answers a login within seconds; a worker that never reports is a fault, not a wrong PIN. */
const LOGIN_TIMEOUT_MS = 60_000;

/** status[0]: 0 running, 1 logged in, 2 failed (the error in the message). */
const WORKER = `
const { workerData } = require('node:worker_threads');
const { addon, modulePath, session, userType, pin, state, port } = workerData;
const status = new Int32Array(state);
let failure = null;
try {
  const pkcs11 = require(addon);
  const lib = new pkcs11.PKCS11();
  lib.load(modulePath);
  try {
    lib.C_Initialize();
  } catch (error) {
    if (error.code !== pkcs11.CKR_CRYPTOKI_ALREADY_INITIALIZED) throw error;
  }
  lib.C_Login(session, userType, Buffer.from(pin).toString('latin1'));
} catch (error) {
  failure = { message: String(error && error.message), code: error && error.code, method: error && error.method };
} finally {
  new Uint8Array(pin).fill(0);
}
if (failure) port.postMessage(failure);
Atomics.store(status, 0, failure ? 2 : 1);
Atomics.notify(status, 0);
`;

const addon = createRequire(import.meta.url).resolve('pkcs11js');

interface Failure {
  readonly message: string;
  readonly code?: number;
  readonly method?: string;
}

/** One C_Login with `pin` (zeroed here too, whatever happens); throws what pkcs11js would have thrown. */
export function loginIsolated(modulePath: string, session: Buffer, userType: number, pin: Buffer): void {
  const shared = new SharedArrayBuffer(pin.length);
  const state = new SharedArrayBuffer(4);
  const status = new Int32Array(state);
  const { port1, port2 } = new MessageChannel();
  new Uint8Array(shared).set(pin);
  pin.fill(0);
  try {
    const worker = new Worker(WORKER, { eval: true, workerData: { addon, modulePath, session, userType, pin: shared, state, port: port2 }, transferList: [port2] });
    if (Atomics.wait(status, 0, 0, LOGIN_TIMEOUT_MS) === 'timed-out') {
      void worker.terminate();
      throw new CapbuError('TOKEN_ERROR', { ckr: 'C_Login did not return' });
    }
    if (Atomics.load(status, 0) === 1) return;
    const failure = receiveMessageOnPort(port1)?.message as Failure | undefined;
    throw new pkcs11js.Pkcs11Error(failure?.message ?? 'C_Login failed', failure?.code ?? 0, failure?.method ?? 'C_Login');
  } finally {
    new Uint8Array(shared).fill(0);
    port1.close();
  }
}
