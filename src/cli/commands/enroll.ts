/** `capbu enroll --server URL --code CODE`: this kiosk joins the central service. */
import { dataDir } from '../../store/data-dir.js';
import { appendEvent } from '../../store/journal.js';
import { loadSettings } from '../../store/settings.js';
import { openStore } from '../../store/store.js';
import { enrollKiosk } from '../../sync/enroll.js';
import { operatorName } from '../operator.js';
import { writeLine, type Context } from '../context.js';
import { parseCommand } from '../parse.js';
import { serverFlag } from '../server-flag.js';

export async function enrollCommand(argv: string[], ctx: Context): Promise<number> {
  const { values } = parseCommand(argv, 'enroll');
  const server = serverFlag(values.server!, 'enroll');
  const home = dataDir(ctx.env);
  const { credential, path } = await enrollKiosk(server, values.code!, home);
  const db = openStore(home);
  try {
    appendEvent(db, {
      type: 'kiosk.enrolled',
      operator: operatorName(undefined, loadSettings(home)),
      data: { kioskId: credential.kioskId, centreUrl: credential.server },
      at: new Date(),
    });
  } finally {
    db.close();
  }
  writeLine(ctx.stdout, ctx.t.text('enrolled', { id: credential.kioskId, province: credential.province, channel: ctx.t.text(`channel.${credential.channel}`), path }));
  return 0;
}
