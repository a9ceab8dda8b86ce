/**
 * The kiosk app's engine: the core, in a worker thread, so that no PKCS#11 call, SQLite write or
 * certificate check ever runs on the thread that draws the screen (real tokens take up to 1.5 s a
 * signature). It watches what is plugged in, reads and judges each token, runs renewals with their
 * steps, and reports all of it to the screens as plain events.
 */
import 'reflect-metadata';
import { parentPort, workerData } from 'node:worker_threads';
import { isCapbuError } from '../../errors.js';
import { renew, type RenewalContext } from '../../renewal/renew.js';
import type { EngineCommand, EngineEvent, ErrorView, PinView, TokenView } from '../model.js';
import { Pin } from '../../token/pin.js';
import { openEngineCore, type EngineConfig, type EngineCore } from './core.js';
import { campaignView, grantView } from './views.js';
import { homeZone } from '../../campaign/campaigns.js';

if (!parentPort) throw new Error('the kiosk engine runs in a worker thread');
const port = parentPort;

function post(event: EngineEvent): void {
  port.postMessage(event);
}

function errorView(error: unknown): ErrorView {
  if (isCapbuError(error)) return { code: error.code, details: error.details };
  return { code: 'INTERNAL', details: { message: error instanceof Error ? error.message : String(error) } };
}

class Engine {
  private readonly tokens = new Map<string, TokenView>();
  /** The renewal in progress, and how to stop it at its next safe point. */
  private running: { readonly done: Promise<void>; readonly stop: AbortController } | null = null;

  constructor(private readonly core: EngineCore) {}

  async start(): Promise<void> {
    post({ type: 'ready', status: this.core.status(), campaign: campaignView(this.core.campaigns.campaigns[0]) });
    this.core.onStatus(() => post({ type: 'status', status: this.core.status() }));
    // The demo's link is cut and restored by hand: it syncs often enough to be seen doing so.
    this.core.startSync(this.core.demo ? 3_000 : 30_000);
    if (this.core.demo) post({ type: 'demo', demo: this.core.demo.view() });
    for await (const change of this.core.watch()) {
      if (change.type === 'token') {
        if (change.view) this.tokens.set(change.view.key, change.view);
        else this.tokens.delete(change.key);
        post({ type: 'tokens', tokens: [...this.tokens.values()] });
      } else {
        post({ type: 'devices', devices: change.devices });
      }
      if (this.core.demo) post({ type: 'demo', demo: this.core.demo.view() });
    }
  }

  async command(command: EngineCommand, pinBytes: Uint8Array | undefined): Promise<void> {
    switch (command.type) {
      case 'renew':
        return this.renew(command.tokenKey, command.finalTry, pinBytes);
      case 'signIn':
      case 'signOut':
        this.core.operator(command.type === 'signIn' ? command.operator : null);
        return;
      case 'today':
        post({ type: 'today', today: this.core.today() });
        return;
      case 'setLanguage':
        post({ type: 'language', language: this.core.setLanguage(command.language) });
        return;
      case 'print':
        post({ type: 'printed', ok: await this.core.print(command.receiptPath) });
        return;
      case 'demoPlug':
      case 'demoPull':
      case 'demoLink':
        this.core.demo?.[command.type](command.type === 'demoPlug' ? command.key : '');
        if (this.core.demo) post({ type: 'demo', demo: this.core.demo.view() });
        return;
      case 'quit':
        // A renewal stops at its next safe point; once writing has begun, it runs to its end.
        this.running?.stop.abort();
        await this.running?.done;
        await this.core.close();
        process.exit(0);
    }
  }

  private async renew(tokenKey: string, finalTry: boolean, pinBytes: Uint8Array | undefined): Promise<void> {
    const token = this.tokens.get(tokenKey);
    // The holder copies the moved bytes and wipes its copy once the login has been tried.
    const pin = pinBytes ? new Pin(pinBytes) : null;
    pinBytes?.fill(0);
    if (!token || !pin || this.running) {
      post({ type: 'failed', error: { code: token ? 'PIN_MISSING' : 'TOKEN_REMOVED', details: {} }, pin: null });
      return;
    }
    const stop = new AbortController();
    const done = this.renewToken(token, pin, finalTry, stop.signal);
    this.running = { done, stop };
    await done;
    this.running = null;
  }

  private async renewToken(token: TokenView, pin: Pin, finalTry: boolean, signal: AbortSignal): Promise<void> {
    try {
      const outcome = await this.core.withToken(token, (ctx: RenewalContext) =>
        renew(ctx, { label: token.label, pin, finalTryConfirmed: finalTry, operator: this.core.currentOperator() }, {
          signal,
          onStep: (step) => {
            if (step.name === 'done' || step.name === 'queued' || step.name === 'failed') return;
            post({ type: 'step', step: { name: step.name, status: step.status, ms: step.ms, ...(step.attempt !== undefined && { attempt: step.attempt }) } });
          },
        }),
      );
      if (outcome.status === 'pending') post({ type: 'outcome', outcome: { status: 'queued', oldSerial: outcome.oldSerial } });
      else if (outcome.status === 'not-eligible') post({ type: 'failed', error: { code: 'NOT_ELIGIBLE', details: {} }, pin: null });
      else {
        post({
          type: 'outcome',
          outcome: {
            status: outcome.status,
            oldSerial: outcome.oldSerial,
            newSerial: outcome.newSerial,
            notAfter: outcome.notAfter.toISOString(),
            receiptPath: outcome.receiptPath,
            timeZone: homeZone(this.core.campaigns),
            parts: grantView(outcome.grant),
          },
        });
      }
    } catch (error) {
      const pinView: PinView | null = isCapbuError(error) && error.code.startsWith('PIN_') ? await this.core.pinView(token) : null;
      post({ type: 'failed', error: errorView(error), pin: pinView });
    } finally {
      await this.core.refresh(token.key);
    }
  }
}

try {
  const engine = new Engine(await openEngineCore(workerData as EngineConfig));
  port.on('message', (message: { command: EngineCommand; pin?: Uint8Array }) => {
    engine.command(message.command, message.pin).catch((error: unknown) => post({ type: 'failed', error: errorView(error), pin: null }));
  });
  engine.start().catch((error: unknown) => post({ type: 'fatal', error: errorView(error) }));
} catch (error) {
  post({ type: 'fatal', error: errorView(error) });
}
