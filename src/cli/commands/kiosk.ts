/**
 * `capbu kiosk`: the full-screen app counter staff and field agents use all day. The screens run
 * here, the core in a worker thread (src/screens/engine/); this command only starts and stops them
 * and gives the terminal back on every way out.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CapbuError } from '../../errors.js';
import { isLanguage, translator } from '../../i18n/catalog.js';
import type { EngineConfig } from '../../screens/engine/core.js';
import { startEngine } from '../../screens/engine/host.js';
import type { EngineEvent } from '../../screens/model.js';
import { borrowTerminal } from '../../screens/terminal.js';
import { dataDir } from '../../store/data-dir.js';
import { loadSettings } from '../../store/settings.js';
import { clock, writeLine, type Context } from '../context.js';
import { holdKioskApp } from '../kiosk-lock.js';
import { parseCommand } from '../parse.js';

// The build's one-file bundle of src/screens/ui.ts (rolldown.config.mjs): named through a variable so
// that tsc leaves the path alone, typed as the module it is built from.
const UI_BUNDLE = '../../screens/ui-bundle/ui.js';
async function loadUi(): Promise<typeof import('../../screens/ui.js')> {
  return (await import(UI_BUNDLE)) as typeof import('../../screens/ui.js');
}

export async function kioskCommand(argv: string[], ctx: Context): Promise<number> {
  const { values } = parseCommand(argv, 'kiosk');
  const stdout = process.stdout;
  const stdin = process.stdin;
  if (!stdout.isTTY || !stdin.isTTY) throw new CapbuError('NOT_A_TERMINAL');
  const { createElement, render, KioskApp } = await loadUi();
  const now = values.now === undefined ? null : clock(values.now).toISOString();
  // The demo runs on its own world: tokens, kiosk store and campaign all come from there.
  // Loaded only for the demo: its PKI code would slow every kiosk's start.
  const world = values.demo
    ? await (await import('../../demo/world.js')).createDemoWorld(resolve(values.dir ?? ctx.env.CAPBU_DEMO ?? '.demo'), clock(values.now))
    : null;
  const env = { ...ctx.env, ...world?.env };
  // PKCS#11 modules read their configuration (SOFTHSM2_CONF) from the process's real environment,
  // which only the main thread can change: a worker's process.env is a copy.
  if (world) Object.assign(process.env, world.env);
  const home = dataDir(env);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const release = holdKioskApp(home);
  const settings = loadSettings(home);
  // --lang, then the kiosk's setting, then CAPBU_LANG and Vietnamese (the context's choice).
  const t = values.lang === undefined && settings.lang && isLanguage(settings.lang) ? translator(settings.lang) : ctx.t;
  const config: EngineConfig = {
    dataDir: home,
    campaign: values.campaign ?? null,
    module: values.module ?? null,
    now,
    operator: values.operator ?? settings.operator,
    server: null,
    env,
    noUsb: world !== null,
    watchIntervalMs: null,
    demo: world && { directory: world.directory, bin: fileURLToPath(new URL('../bin.js', import.meta.url)) },
  };
  // Started now, its thread after the first frame (see startEngine).
  const engine = startEngine(config);
  let fatal: EngineEvent | null = null;
  engine.subscribe((event) => {
    if (event.type === 'fatal') fatal = event;
  });
  const terminal = borrowTerminal(stdout, stdin, (error) => {
    writeLine(ctx.stderr, `capbu: INTERNAL: ${ctx.t.error('INTERNAL', { message: error instanceof Error ? error.message : String(error) })}`);
    process.exit(2);
  });
  try {
    const options = { operator: config.operator, selfService: settings.selfService, demo: values.demo === true, canPrint: settings.printCommand !== null };
    const app = render(createElement(KioskApp, { engine, options, t, supportLine: settings.supportLine }), { exitOnCtrlC: false, patchConsole: true, maxFps: 30 });
    await app.waitUntilExit();
  } finally {
    terminal.restore();
  }
  await engine.close();
  release();
  const failed = fatal as EngineEvent | null;
  if (failed?.type === 'fatal') throw new CapbuError(failed.error.code, failed.error.details);
  return 0;
}
