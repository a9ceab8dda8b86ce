import { dataDir } from '../../store/data-dir.js';
import { backupStore, restoreStore } from '../../store/backup.js';
import { writeLine, type Context } from '../context.js';
import { parseCommand } from '../parse.js';

function fileArgument(argv: string[], command: 'backup' | 'restore'): string {
  return parseCommand(argv, command).positionals[0]!;
}

/** `capbu backup FILE`: a consistent copy of the kiosk's store, taken while it runs. */
export async function backupCommand(argv: string[], ctx: Context): Promise<number> {
  const file = fileArgument(argv, 'backup');
  await backupStore(dataDir(ctx.env), file);
  writeLine(ctx.stdout, ctx.t.text('backupDone', { file }));
  return 0;
}

/** `capbu restore FILE`: the kiosk's store replaced by a backup that is whole and capbu's. */
export async function restoreCommand(argv: string[], ctx: Context): Promise<number> {
  const file = fileArgument(argv, 'restore');
  await restoreStore(dataDir(ctx.env), file);
  writeLine(ctx.stdout, ctx.t.text('restoreDone', { file }));
  return 0;
}
