/** `capbu central user add`: a dashboard account and the one-time code that sets its password. */
import { addAccount, DEFAULT_SETUP_HOURS, PASSWORD_PATH } from '../../central/dashboard/accounts.js';
import { openCentralStore } from '../../central/storage/open.js';
import { dateTimeFor, VIETNAM_ZONE } from '../../i18n/dates.js';
import { clock, writeLine, type Context } from '../context.js';
import { parseCommand, usageError } from '../parse.js';

/** Times for the operator at the centre, who reads Vietnamese time. */
export async function centralUserAdd(argv: string[], ctx: Context): Promise<number> {
  const { values } = parseCommand(argv, 'central user add');
  const at = clock(values.now);
  const hours = Number(values['valid-hours'] ?? DEFAULT_SETUP_HOURS);
  if (!(hours > 0)) throw usageError('positiveNumber', { command: 'central user add', option: '--valid-hours', value: String(values['valid-hours']) });
  const store = await openCentralStore(values.db!, at);
  let account;
  try {
    account = await addAccount(store, { name: values.name!, role: values.role!, provinces: values.province ?? [], validHours: hours }, at);
  } finally {
    await store.close();
  }
  const t = ctx.t;
  const scope = account.role === 'admin' ? t.text('dash.cli.allProvinces') : account.provinces.join(', ');
  writeLine(ctx.stdout, t.text('dash.cli.userAdded', { name: account.name, role: t.text(`dash.role.${account.role}`), scope }));
  const link = values.url === undefined ? undefined : `${values.url.replace(/\/+$/, '')}${PASSWORD_PATH}?code=${encodeURIComponent(account.code)}`;
  writeLine(ctx.stdout, t.text('dash.cli.setupCode', { expires: dateTimeFor(account.expires, VIETNAM_ZONE), path: PASSWORD_PATH, link }));
  // Alone on the last line, so scripts can take it with `tail -n 1`.
  writeLine(ctx.stdout, link ?? account.code);
  return 0;
}
