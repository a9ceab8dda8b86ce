import { loadModule, modulePath } from '../../token/module.js';
import { listTokens } from '../../token/slots.js';
import { writeJson, writeLine, type Context } from '../context.js';
import { parseCommand } from '../parse.js';

/** `capbu tokens [--json]`: the tokens plugged in, with their PIN state. */
export async function tokensCommand(argv: string[], ctx: Context): Promise<number> {
  const { values } = parseCommand(argv, 'tokens');
  const found = listTokens(loadModule(modulePath(values.module, ctx.env)));
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
  if (found.length === 0) writeLine(ctx.stdout, ctx.t.text('noTokens'));
  for (const t of found) {
    const pin = [t.pin.locked && 'PIN_LOCKED', t.pin.finalTry && 'PIN_FINAL_TRY', t.pin.countLow && 'PIN_COUNT_LOW']
      .filter(Boolean)
      .join(' ');
    writeLine(ctx.stdout, `${t.label}  ${ctx.t.text('serialNo')} ${t.serial}  ${t.manufacturer} ${t.model} v${t.hardwareVersion}${pin ? `  ${pin}` : ''}`);
  }
  return 0;
}
