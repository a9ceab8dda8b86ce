import { inspect } from '../../inspection/inspect.js';
import { inspectionJson } from '../../inspection/json.js';
import { dataDir } from '../../store/data-dir.js';
import { openStore } from '../../store/store.js';
import { findSubscriber } from '../../store/registry.js';
import { renewalFor } from '../../store/renewals.js';
import { lastCentreClock } from '../../store/centre-clock.js';
import { decisionTime } from '../../sync/centre-time.js';
import { catalogue } from '../../token/catalogue.js';
import { loadModule } from '../../token/module.js';
import { pickModule } from '../../token/pick.js';
import { systemDevices } from '../../token/usb.js';
import { loadSettings } from '../../store/settings.js';
import { readToken } from '../../token/read.js';
import { listTokens, selectToken } from '../../token/slots.js';
import { clock, writeJson, writeLine, type Context } from '../context.js';
import { parseCommand } from '../parse.js';
import { campaignPath, loadCampaign } from '../files.js';
import { readPinFromStdin } from '../pin.js';
import { renderInspection } from '../report.js';
import { widthOf, wrap } from '../wrap.js';

/**
 * `capbu check`: what is on the token and whether it qualifies. Exit 0 when the candidate is
 * eligible, 1 when nothing is, 2 on any error.
 */
export async function checkCommand(argv: string[], ctx: Context): Promise<number> {
  const { values } = parseCommand(argv, 'check');
  const now = clock(values.now);
  const campaign = loadCampaign(campaignPath(values.campaign, ctx.env));
  const home = dataDir(ctx.env);
  const devices = catalogue(loadSettings(home).devices);
  const lib = loadModule(pickModule({ flag: values.module, env: ctx.env, listDevices: systemDevices(ctx.env), catalogue: devices }).module);
  const token = selectToken(listTokens(lib), values.token);
  const pin = values['pin-stdin'] ? await readPinFromStdin(ctx) : undefined;
  const contents = readToken(lib, token, pin, { finalTryConfirmed: values['final-try'] });
  const db = openStore(home);
  let inspection;
  try {
    // While online, a kiosk whose clock is off decides with the centre's time.
    const decided = decisionTime(now, lastCentreClock(db));
    if (decided.clockWarning) writeLine(ctx.stderr, `capbu: ${ctx.t.text('clockWarning')}`);
    // The certificates this kiosk put on a token, so a renewed token reads as renewed.
    const renewedFrom = (serial: string) => {
      const record = renewalFor(db, [serial]);
      return record?.state === 'done' && record.newSerial === serial ? { oldSerial: record.oldSerial, at: record.updatedAt } : null;
    };
    inspection = inspect(contents, campaign, (serial) => findSubscriber(db, serial), decided.now, renewedFrom);
  } finally {
    db.close();
  }
  if (values.json) writeJson(ctx, inspectionJson(inspection));
  else writeLine(ctx.stdout, wrap(renderInspection(inspection, ctx.t, campaign), widthOf(ctx.stdout, ctx.env)));
  return inspection.candidate?.decision?.eligible ? 0 : 1;
}
