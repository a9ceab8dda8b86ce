/**
 * `capbu status [--json]`: the kiosk's standing with the centre. Exit 0; the warnings past the
 * configured limits (settings unsyncedWarnHours, registryMaxAgeDays) are in the output.
 */
import { existsSync } from 'node:fs';
import { homeZone } from '../../campaign/campaigns.js';
import { dateTimeFor, VIETNAM_ZONE } from '../../i18n/dates.js';
import { dataDir } from '../../store/data-dir.js';
import { campaignPath, loadCampaigns } from '../../store/files.js';
import { loadSettings } from '../../store/settings.js';
import { openStore } from '../../store/store.js';
import { credentialOrNull } from '../../sync/credential.js';
import { kioskStatus, type KioskStatus } from '../../sync/status.js';
import { clock, writeJson, writeLine, type Context } from '../context.js';
import { parseCommand } from '../parse.js';
import { syncWarningLines } from '../sync-warnings.js';

export async function statusCommand(argv: string[], ctx: Context): Promise<number> {
  const { values } = parseCommand(argv, 'status');
  const now = clock(values.now);
  const home = dataDir(ctx.env);
  const settings = loadSettings(home);
  const db = openStore(home);
  let status: KioskStatus;
  try {
    status = kioskStatus(db, credentialOrNull(home), settings, now);
  } finally {
    db.close();
  }
  if (values.json) {
    writeJson(ctx, status);
    return 0;
  }
  const { t } = ctx;
  // Times in the campaign's zone; a kiosk still without its campaign file gets its status too.
  const path = campaignPath(values.campaign, ctx.env);
  const zone = existsSync(path) ? homeZone(loadCampaigns(path)) : VIETNAM_ZONE;
  const age = (at: string | null) => (at === null ? t.text('never') : t.text('ago', { hours: Math.floor((now.getTime() - Date.parse(at)) / 3_600_000) }));
  writeLine(ctx.stdout, status.kioskId ? t.text('statusKiosk', { id: status.kioskId, url: status.centreUrl! }) : t.text('statusNotEnrolled'));
  writeLine(ctx.stdout, t.text('statusContact', { at: status.lastContactAt === null ? t.text('never') : dateTimeFor(status.lastContactAt, zone) }));
  writeLine(ctx.stdout, t.text('statusEvents', { pending: status.eventsPending, acknowledged: status.acknowledgedSeq, last: status.lastSeq, age: status.oldestEventPendingAt ? age(status.oldestEventPendingAt) : '-' }));
  writeLine(ctx.stdout, t.text('statusRenewals', { pending: status.renewalsPending, age: status.oldestRenewalPendingAt ? age(status.oldestRenewalPendingAt) : '-' }));
  writeLine(ctx.stdout, t.text('statusRegistry', { version: status.registryVersion, age: age(status.registryUpdatedAt) }));
  writeLine(ctx.stdout, status.clockSkewMs === null ? t.text('statusClockUnknown') : t.text('statusClock', { seconds: Math.round(status.clockSkewMs / 1000), at: dateTimeFor(status.clockSeenAt!, zone) }));
  for (const line of syncWarningLines(status, settings, t)) writeLine(ctx.stdout, line);
  return 0;
}
