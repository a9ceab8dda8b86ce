import { inspect } from '../../inspection/inspect.js';
import { inspectionJson } from '../../inspection/json.js';
import { journalDecisions } from '../../inspection/journal.js';
import { renewedFrom } from '../../inspection/renewed.js';
import { dataDir } from '../../store/data-dir.js';
import { openStore } from '../../store/store.js';
import { findSubscriber } from '../../store/registry.js';
import { lastCentreClock } from '../../store/centre-clock.js';
import { decisionTime } from '../../sync/centre-time.js';
import { guardedLogin, pinTries, type PinPolicy, type PinTries } from '../../renewal/pin-guard.js';
import { catalogue } from '../../token/catalogue.js';
import type { Pkcs11 } from '../../token/module.js';
import { openTokenModule } from '../../token/pick.js';
import { systemDevices } from '../../token/usb.js';
import { loadSettings } from '../../store/settings.js';
import type { Store } from '../../store/store.js';
import type { Pin } from '../../token/pin.js';
import { contentsOf, readToken, type TokenContents } from '../../token/read.js';
import { closeSession, openSession } from '../../token/session.js';
import { listTokens, selectToken, type TokenSummary } from '../../token/slots.js';
import { clock, writeJson, writeLine, type Context } from '../context.js';
import { parseCommand } from '../parse.js';
import { campaignPath, loadCampaigns } from '../../store/files.js';
import { operatorName } from '../operator.js';
import { readPinFromStdin } from '../pin.js';
import { renderInspection } from '../report.js';
import { heldOverrides } from '../../renewal/overrides.js';
import { widthOf, wrap } from '../wrap.js';
import { printSyncWarnings } from '../sync-warnings.js';

/**
 * `capbu check`: what is on the token and whether it qualifies. Exit 0 when the candidate is
 * eligible, 1 when nothing is, 2 on any error.
 */
export async function checkCommand(argv: string[], ctx: Context): Promise<number> {
  const { values } = parseCommand(argv, 'check');
  const now = clock(values.now);
  const campaigns = loadCampaigns(campaignPath(values.campaign, ctx.env));
  const home = dataDir(ctx.env);
  const settings = loadSettings(home);
  const devices = catalogue(settings.devices);
  const picked = await openTokenModule({ flag: values.module, env: ctx.env, listDevices: systemDevices(ctx.env), catalogue: devices, modules: settings.modules }, values.token);
  const { lib } = picked;
  const overrides = heldOverrides(settings, values.override, campaigns, now);
  const token = selectToken(listTokens(lib), values.token);
  const pin = values['pin-stdin'] ? await readPinFromStdin(ctx) : undefined;
  const db = openStore(home);
  let inspection;
  let tries: PinTries;
  try {
    const contents = pin
      ? loggedIn(db, lib, token, pin, { limit: settings.pinTryLimit, finalTryConfirmed: values['final-try'] === true }, now)
      : readToken(lib, token);
    // While online, a kiosk whose clock is off decides with the centre's time.
    const decided = decisionTime(now, lastCentreClock(db));
    if (decided.clockWarning) writeLine(ctx.stderr, `capbu: ${ctx.t.text('clockWarning')}`);
    inspection = inspect(contents, campaigns, (key) => findSubscriber(db, key), decided.now, renewedFrom(db), {
      tokenHardwareVersion: picked.hardwareVersion ?? token.hardwareVersion,
      overridden: overrides.overridden,
    });
    journalDecisions(db, inspection, operatorName(undefined, settings), now);
    // After the login, if any: a good one has reset the count, a wrong one has thrown.
    tries = pinTries(db, pin ? selectToken(listTokens(lib), values.token) : token, settings.pinTryLimit);
    printSyncWarnings(ctx, db, home, settings, now);
  } finally {
    db.close();
  }
  const triesJson = { counted: tries.counted, remaining: tries.remaining, locked: tries.locked, finalTry: tries.finalTry };
  if (values.json) writeJson(ctx, { ...inspectionJson(inspection), pinTries: triesJson });
  else writeLine(ctx.stdout, wrap(renderInspection(inspection, ctx.t, campaigns, tries, settings.supportLine), widthOf(ctx.stdout, ctx.env)));
  return inspection.candidate?.decision?.eligible ? 0 : 1;
}

/** The token as the customer's PIN shows it, the login counted like any other. */
function loggedIn(db: Store, lib: Pkcs11, token: TokenSummary, pin: Pin, policy: PinPolicy, now: Date): TokenContents {
  const session = openSession(lib, token);
  try {
    guardedLogin(db, session, pin, policy, now);
    return contentsOf(session);
  } finally {
    closeSession(session);
  }
}
