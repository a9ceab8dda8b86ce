import { dataDir } from '../../store/data-dir.js';
import { backupStore, restoreStore } from '../../store/backup.js';
import { CapbuError } from '../../errors.js';
import { parseCommand, writeLine, type Context } from '../context.js';

function fileArgument(argv: string[]): string {
  const { positionals } = parseCommand(argv, {}, true);
  if (positionals.length !== 1) throw new CapbuError('USAGE', { problem: 'give one FILE' });
  return positionals[0]!;
}

/** `capbu backup FILE`: a consistent copy of the kiosk's store, taken while it runs. */
export async function backupCommand(argv: string[], ctx: Context): Promise<number> {
  const file = fileArgument(argv);
  await backupStore(dataDir(ctx.env), file);
  writeLine(ctx.stdout, ctx.t.text('backupDone', { file }));
  return 0;
}

/** `capbu restore FILE`: the kiosk's store replaced by a backup that is whole and capbu's. */
export async function restoreCommand(argv: string[], ctx: Context): Promise<number> {
  const file = fileArgument(argv);
  await restoreStore(dataDir(ctx.env), file);
  writeLine(ctx.stdout, ctx.t.text('restoreDone', { file }));
  return 0;
}
