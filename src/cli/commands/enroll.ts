/** `capbu enroll --server URL --code CODE`: this kiosk joins the central service. */
import { dataDir } from '../../store/data-dir.js';
import { enrollKiosk } from '../../sync/enroll.js';
import { writeLine, type Context } from '../context.js';
import { parseCommand } from '../parse.js';
import { serverFlag } from '../server-flag.js';

export async function enrollCommand(argv: string[], ctx: Context): Promise<number> {
  const { values } = parseCommand(argv, 'enroll');
  const server = serverFlag(values.server!, ctx);
  const { credential, path } = await enrollKiosk(server, values.code!, dataDir(ctx.env));
  writeLine(ctx.stdout, ctx.t.text('enrolled', { id: credential.kioskId, province: credential.province, channel: ctx.t.text(`channel.${credential.channel}`), path }));
  return 0;
}
