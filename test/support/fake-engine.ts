/** The kiosk app's engine played by hand: what the app sends is recorded, what it hears is emitted. */
import type { KioskEngine } from '../../src/screens/app.js';
import type { EngineCommand, EngineEvent } from '../../src/screens/model.js';
import type { renderAt } from './ink.js';

export function fakeEngine() {
  const listeners = new Set<(e: EngineEvent) => void>();
  const sent: EngineCommand[] = [];
  const fake: KioskEngine = {
    send: (command) => void sent.push(command),
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return { fake, sent, emit: (e: EngineEvent) => listeners.forEach((l) => l(e)) };
}

/** From the verdict of an eligible token to the renewal's first step on screen, as the clerk goes. */
export async function startRenewal(app: ReturnType<typeof renderAt>, emit: (e: EngineEvent) => void): Promise<void> {
  await app.frameWith('Enter bắt đầu cấp bù');
  await app.type('\r');
  await app.frameWith('Mã PIN:');
  await app.type(...'viettel-ca', '\r');
  emit({ type: 'step', step: { name: 'send', status: 'started', ms: 0 } });
  await app.frameWith('Gửi tới hệ thống trung tâm');
}
