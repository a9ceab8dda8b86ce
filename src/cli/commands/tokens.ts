import { dataDir } from '../../store/data-dir.js';
import { loadSettings } from '../../store/settings.js';
import { catalogue } from '../../token/catalogue.js';
import { chosenModule, modulePath, openModule } from '../../token/module.js';
import { candidateModules } from '../../token/pick.js';
import { listTokens, type TokenSummary } from '../../token/slots.js';
import { writeJson, writeLine, type Context } from '../context.js';
import { parseCommand } from '../parse.js';
import { table, widthOf } from '../wrap.js';
import { systemDevices } from '../../token/usb.js';
import { watchTokens, type DeviceView, type TokenEvent } from '../../token/watch.js';
import type { Translator } from '../../i18n/catalog.js';

/** `capbu tokens [--json]`: the tokens plugged in, with their PIN state; `--watch`: plug and unplug as they happen. */
export async function tokensCommand(argv: string[], ctx: Context): Promise<number> {
  const { values } = parseCommand(argv, 'tokens');
  if (values.watch) return watch(ctx, values.module, values.json === true);
  const found = await plugged(ctx, values.module);
  if (values.json) {
    writeJson(
      ctx,
      found.map((t) => ({
        label: t.label,
        serial: t.serial,
        manufacturer: t.manufacturer,
        model: t.model,
        hardwareVersion: t.hardwareVersion,
        pin: t.pin,
      })),
    );
    return 0;
  }
  if (found.length === 0) {
    writeLine(ctx.stdout, ctx.t.text('noTokens'));
    return 0;
  }
  const { t } = ctx;
  const pinState = (pin: (typeof found)[number]['pin']) =>
    t.text(pin.locked ? 'pin.locked' : pin.finalTry ? 'pin.finalTry' : pin.countLow ? 'pin.countLow' : 'pin.ok');
  const rows = [
    ['tokens.label', 'tokens.serial', 'tokens.device', 'tokens.version', 'tokens.pin'].map((key) => t.text(key)),
    ...found.map((token) => [token.label, token.serial, `${token.manufacturer} ${token.model}`, `v${token.hardwareVersion}`, pinState(token.pin)]),
  ];
  const width = widthOf(ctx.stdout, ctx.env);
  for (const line of table(rows, width)) writeLine(ctx.stdout, line);
  return 0;
}

/**
 * The tokens of --module (or the environment's); else those of the catalogue's modules for the
 * devices plugged in and of the `modules` setting; else of the default module. Each module is
 * loaded with a timeout (MODULE_LOAD_TIMEOUT rather than a hung command).
 */
async function plugged(ctx: Context, flag: string | undefined): Promise<TokenSummary[]> {
  const settings = loadSettings(dataDir(ctx.env));
  const chosen = chosenModule(flag, ctx.env);
  const candidates = chosen ? [] : candidateModules({ flag, env: ctx.env, listDevices: systemDevices(ctx.env), catalogue: catalogue(settings.devices), modules: settings.modules });
  const modules = candidates.length > 0 ? candidates.map((c) => c.module) : [modulePath(flag, ctx.env)];
  const found: TokenSummary[] = [];
  for (const module of modules) found.push(...listTokens(await openModule(module)));
  return found;
}

/** Until SIGINT or SIGTERM: one line per event, JSON Lines with --json. */
async function watch(ctx: Context, module: string | undefined, json: boolean): Promise<number> {
  const chosen = chosenModule(module, ctx.env);
  const settings = loadSettings(dataDir(ctx.env));
  const stream = watchTokens({
    listDevices: systemDevices(ctx.env),
    catalogue: catalogue(settings.devices),
    // As the kiosk app watches: --module (or the environment's), then the `modules` setting, beside the catalogue's.
    modules: [...(chosen ? [chosen] : []), ...settings.modules],
  });
  const stop = () => void stream.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    for await (const event of stream) writeLine(ctx.stdout, json ? JSON.stringify(event) : describeEvent(event, ctx.t));
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return 0;
}

function deviceName(device: DeviceView): string {
  const name = [device.vendor, device.model].filter(Boolean).join(' ');
  return `${name || '?'} [${device.vendorId}:${device.productId}]`;
}

/** One line a clerk can read for an event. */
export function describeEvent(event: TokenEvent, t: Translator): string {
  switch (event.type) {
    case 'plugged':
      return t.text('watchPlugged', { label: event.token.label, serial: event.token.serial, model: event.token.model, hardware: event.token.hardwareVersion, device: event.device ? deviceName(event.device) : '' });
    case 'removed':
      return t.text('watchRemoved', { what: event.token ? event.token.label : event.device ? deviceName(event.device) : '?' });
    case 'device-without-token':
      return t.text('watchNoToken', { device: deviceName(event.device), why: t.text(`why.${event.why.code}`, { ...event.why }) });
    case 'module-failed':
      return t.text('watchModuleFailed', { module: event.module, detail: event.detail });
  }
}
