/**
 * The kiosk app on a demo world, as the screen tests drive it: the engine in its worker thread
 * (the built one), the app rendered at 80×24, in Vietnamese, operator "lan" (or, with null, a clerk
 * who signs in on the app's first screen).
 */
import { translator } from '../../src/i18n/catalog.js';
import type { DemoWorld } from '../../src/demo/world.js';
import { KioskApp } from '../../src/screens/app.js';
import { startEngine, type RunningEngine } from '../../src/screens/engine/host.js';
import { BIN, runCapbu } from './cli.js';
import { renderAt } from './ink.js';

const WORKER = new URL('../../dist/screens/engine/worker.js', import.meta.url);

/** `module`: the PKCS#11 library the engine watches (the world's SoftHSM2, or the shim over it). */
export function demoKiosk(world: DemoWorld, module: string, operator: string | null = 'lan'): { engine: RunningEngine; app: ReturnType<typeof renderAt> } {
  // The worker's PKCS#11 module reads SOFTHSM2_CONF (and the shim its switches) from the real environment.
  Object.assign(process.env, world.env);
  const engine = startEngine(
    {
      dataDir: world.env.CAPBU_HOME!,
      campaign: null,
      module,
      now: null,
      operator,
      server: null,
      env: { ...process.env },
      noUsb: true,
      watchIntervalMs: 50,
      demo: { directory: world.directory, bin: BIN },
    },
    WORKER,
  );
  const app = renderAt(<KioskApp engine={engine} options={{ operator, selfService: false, demo: true, canPrint: false }} t={translator('vi')} supportLine="Tổng đài 18008000 nhánh 1" />);
  return { engine, app };
}

/** An event of the kiosk's journal as `capbu journal --json` prints it. */
export interface PrintedEvent {
  readonly seq: number;
  readonly type: string;
  readonly at: string;
  readonly operator: string | null;
  readonly data: Record<string, unknown>;
}

/** The demo kiosk's journal as `capbu journal --json` prints it (its CAPBU_HOME is in the environment, set by demoKiosk). */
export async function printedJournal(): Promise<PrintedEvent[]> {
  const result = await runCapbu(['journal', '--json']);
  if (result.code !== 0) throw new Error(`capbu journal --json exited ${result.code}: ${result.stderr}`);
  return result.stdout.trim().split('\n').map((line) => JSON.parse(line) as PrintedEvent);
}
