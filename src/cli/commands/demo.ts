import { resolve } from 'node:path';
import { openDemoWorld, plugDemoToken, pullDemoTokens } from '../../demo/shelf.js';
import { createDemoWorld, DEMO_USER_PIN } from '../../demo/world.js';
import { clock, writeLine, type Context } from '../context.js';
import { parseCommand, usageError } from '../parse.js';

/**
 * `capbu demo [DIR]`: makes (once) a demo world and says how to use it.
 * `capbu demo plug NAME|DIGIT` and `capbu demo pull [NAME]`: plug and pull its customers' tokens,
 * in the world named by --dir, else $CAPBU_DEMO (set by the world's env.sh), else ./.demo.
 */
export async function demoCommand(argv: string[], ctx: Context): Promise<number> {
  const { values, positionals } = parseCommand(argv, 'demo');
  const [action, ...names] = positionals;
  if (action === 'plug' || action === 'pull') {
    if (action === 'plug' && names.length === 0) throw usageError('missingArgument', { command: 'demo', arg: 'NAME' });
    if (names.length > 1) throw usageError('unexpectedArgument', { command: 'demo', value: names[1]! });
    const world = openDemoWorld(resolve(values.dir ?? ctx.env.CAPBU_DEMO ?? '.demo'));
    if (action === 'plug') writeLine(ctx.stdout, ctx.t.text('demoPlugged', { token: plugDemoToken(world, names[0]!).token }));
    else for (const c of pullDemoTokens(world, names[0])) writeLine(ctx.stdout, ctx.t.text('demoPulled', { token: c.token }));
    return 0;
  }
  if (names.length > 0) throw usageError('unexpectedArgument', { command: 'demo', value: names[0]! });
  const world = await createDemoWorld(resolve(action ?? values.dir ?? '.demo'), clock(values.now));
  writeLine(ctx.stdout, ctx.t.text(world.created ? 'demoCreated' : 'demoExists', { directory: world.directory }));
  writeLine(ctx.stdout, ctx.t.text('demoTokens', { tokens: world.customers.map((c) => `${c.key} ${c.token}`).join(', '), pin: DEMO_USER_PIN }));
  writeLine(ctx.stdout, `  . ${world.directory}/env.sh`);
  return 0;
}
