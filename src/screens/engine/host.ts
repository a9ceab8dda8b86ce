/** The screens' side of the engine: a worker thread running the core, spoken to by messages. */
import { Worker } from 'node:worker_threads';
import type { KioskEngine } from '../app.js';
import type { EngineCommand, EngineEvent } from '../model.js';
import type { EngineConfig } from './core.js';

export interface RunningEngine extends KioskEngine {
  /** Asks the engine to finish (a write in progress ends first) and waits for the thread to stop. */
  close(): Promise<void>;
}

export function startEngine(config: EngineConfig, workerUrl = new URL('./worker.js', import.meta.url)): RunningEngine {
  const worker = new Worker(workerUrl, { workerData: config, stdout: false, stderr: false });
  const listeners = new Set<(event: EngineEvent) => void>();
  const early: EngineEvent[] = [];
  const deliver = (event: EngineEvent) => {
    if (listeners.size === 0) early.push(event);
    for (const listener of listeners) listener(event);
  };
  worker.on('message', deliver);
  worker.on('error', (error) => deliver({ type: 'fatal', error: { code: 'INTERNAL', details: { message: error.message } } }));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    send(command: EngineCommand, pin?: Uint8Array) {
      // The PIN's buffer is moved to the engine: after this line the screens no longer have it.
      worker.postMessage({ command, pin }, pin ? [pin.buffer as ArrayBuffer] : []);
    },
    subscribe(listener) {
      listeners.add(listener);
      for (const event of early.splice(0)) listener(event);
      return () => listeners.delete(listener);
    },
    async close() {
      worker.postMessage({ command: { type: 'quit' } });
      const timer = setTimeout(() => void worker.terminate(), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
