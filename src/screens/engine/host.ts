/** The screens' side of the engine: a worker thread running the core, spoken to by messages. */
import { Worker } from 'node:worker_threads';
import type { KioskEngine } from '../app.js';
import type { EngineCommand, EngineEvent } from '../model.js';
import type { EngineConfig } from './core.js';

export interface RunningEngine extends KioskEngine {
  /** Asks the engine to finish (a write in progress ends first) and waits for the thread to stop. */
  close(): Promise<void>;
}

/**
 * The worker's thread starts on the next turn of the event loop, once the app's first frame is
 * out: loading the core (SQLite, PKCS#11, X.509) would otherwise compete with drawing it for the
 * CPU. Commands sent before then are posted as soon as the thread exists, in order.
 */
export function startEngine(config: EngineConfig, workerUrl = new URL('./worker.js', import.meta.url)): RunningEngine {
  const listeners = new Set<(event: EngineEvent) => void>();
  const early: EngineEvent[] = [];
  const deliver = (event: EngineEvent) => {
    if (listeners.size === 0) early.push(event);
    for (const listener of listeners) listener(event);
  };
  let worker: Worker | null = null;
  const waiting: [message: unknown, transfer: ArrayBuffer[]][] = [];
  const post = (message: unknown, transfer: ArrayBuffer[] = []) => (worker ? worker.postMessage(message, transfer) : waiting.push([message, transfer]));
  let exited!: Promise<void>;
  const started = new Promise<Worker>((resolve) =>
    setImmediate(() => {
      const thread = new Worker(workerUrl, { workerData: config, stdout: false, stderr: false });
      thread.on('message', deliver);
      thread.on('error', (error) => deliver({ type: 'fatal', error: { code: 'INTERNAL', details: { message: error.message } } }));
      exited = new Promise<void>((done) => thread.once('exit', () => done()));
      worker = thread;
      for (const [message, transfer] of waiting.splice(0)) thread.postMessage(message, transfer);
      resolve(thread);
    }),
  );
  return {
    send(command: EngineCommand, pin?: Uint8Array) {
      // The PIN's buffer is moved to the engine: after this line the screens no longer have it.
      post({ command, pin }, pin ? [pin.buffer as ArrayBuffer] : []);
    },
    subscribe(listener) {
      listeners.add(listener);
      for (const event of early.splice(0)) listener(event);
      return () => listeners.delete(listener);
    },
    async close() {
      const thread = await started;
      post({ command: { type: 'quit' } });
      const timer = setTimeout(() => void thread.terminate(), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
