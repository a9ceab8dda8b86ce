/** `capbu central orders import` and `capbu central override issue`: billing's paid extensions, supervisors' overrides. */
import { parseOrdersCsv } from '../../campaign/orders.js';
import { normalizeSerial } from '../../pki/certificate.js';
import { parseOverrideKey, signOverride } from '../../central/override.js';
import { CapbuError } from '../../errors.js';
import { campaignPath, loadCampaign, readInput } from '../../store/files.js';
import { clock, writeLine, type Context } from '../context.js';
import type { PlanReport } from '../../central/api.js';
import { calendarDate } from '../../i18n/dates.js';
import { parseCommand, usageError } from '../parse.js';
import { withStore } from './central.js';

export function readOverrideKey(path: string): ReturnType<typeof parseOverrideKey> {
  return parseOverrideKey(readInput(path, 'OVERRIDE_KEY_NOT_FOUND').toString('utf8'));
}

/** The whole file is checked before anything is stored: one bad row stores nothing. */
export async function centralOrdersImport(argv: string[], ctx: Context): Promise<number> {
  const { values, positionals } = parseCommand(argv, 'central orders import');
  const at = clock(values.now);
  const orders = parseOrdersCsv(readInput(positionals[0]!, 'ORDERS_NOT_FOUND').toString('utf8'));
  const result = await withStore(values.db!, at, (store) => store.importOrders(orders, at.toISOString()));
  writeLine(ctx.stdout, ctx.t.text('ordersImported', { rows: orders.length, ...result }));
  return 0;
}

const HEX_RE = /^[0-9a-fA-F]{1,40}$/;

/** Prints the override alone on the last line, for the supervisor to send as it is. */
export async function centralOverrideIssue(argv: string[], ctx: Context): Promise<number> {
  const command = 'central override issue';
  const { values } = parseCommand(argv, command);
  const at = clock(values.now);
  const hours = Number(values.hours ?? 24);
  if (!(hours > 0 && hours <= 24 * 31)) throw usageError('positiveNumber', { command, option: '--hours', value: String(values.hours) });
  if (!HEX_RE.test(values.serial!)) throw usageError('serial', { command, value: values.serial });
  const reason = values.reason!.trim();
  if (reason === '' || reason.length > 200) throw usageError('required', { command, option: '--reason', arg: 'TEXT' });
  const { signing } = readOverrideKey(values.key!);
  if (!signing) throw new CapbuError('OVERRIDE_KEY_INVALID');
  const campaign = loadCampaign(campaignPath(values.campaign, ctx.env));
  const override = {
    campaign: campaign.id,
    serial: normalizeSerial(values.serial!),
    reason,
    issuedAt: at.toISOString(),
    expiresAt: new Date(at.getTime() + hours * 3_600_000).toISOString(),
  };
  writeLine(ctx.stdout, ctx.t.text('overrideIssued', { serial: override.serial, expiresAt: override.expiresAt }));
  writeLine(ctx.stdout, signOverride(signing, override));
  return 0;
}

const percent = (share: number | null) => (share === null ? '-' : `${(share * 100).toFixed(1)}%`);

/** The report's rollout section: one row per phase and hardware version. */
export function planLines(plan: PlanReport, ctx: Context, table: (header: string[], rows: string[][]) => string[]): string[] {
  const t = ctx.t;
  const rows = plan.phases.flatMap((p) => {
    const phase = t.text('reportPhase', { id: p.id, from: calendarDate(p.from), to: calendarDate(p.to), status: t.text(`reportPhase.${p.status}`) });
    const versions = p.versions.length > 0 ? p.versions : [null];
    return versions.map((v, i) => [
      i === 0 ? phase : '',
      i === 0 ? String(p.daysLeft) : '',
      i === 0 ? `${p.selfService}/${p.renewed} (${percent(p.selfServiceShare)})` : '',
      v ? `${v.hardwareVersion}${v.opens ? ' *' : ''}` : '-',
      v ? String(v.eligibleKnown) : '-',
      v ? String(v.renewed) : '-',
      v ? percent(v.share) : '-',
      v ? percent(v.target) : '-',
      v?.onTrack == null ? '-' : t.text(v.onTrack ? 'yes' : 'no'),
    ]);
  });
  return [
    t.text('reportPlanTitle', { today: calendarDate(plan.today), share: percent(plan.selfServiceShare) }),
    ...table(
      ['reportPhaseColumn', 'reportDaysLeft', 'reportSelfService', 'reportHardware', 'reportEligible', 'reportRenewed', 'reportShare', 'reportTarget', 'reportOnTrack'].map((k) => t.text(k)),
      rows,
    ),
    t.text('reportPlanOpens'),
  ];
}
