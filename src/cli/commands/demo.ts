import { resolve } from 'node:path';
import { createDemoWorld, DEMO_USER_PIN } from '../../demo/world.js';
import { clock, writeLine, type Context } from '../context.js';
import { parseCommand } from '../parse.js';

/** `capbu demo [DIR]`: makes (once) a demo world with tokens, and says how to use it. */
export async function demoCommand(argv: string[], ctx: Context): Promise<number> {
  const { values, positionals } = parseCommand(argv, 'demo');
  const world = await createDemoWorld(resolve(positionals[0] ?? '.demo'), clock(values.now));
  writeLine(ctx.stdout, ctx.t.text(world.created ? 'demoCreated' : 'demoExists', { directory: world.directory }));
  writeLine(ctx.stdout, ctx.t.text('demoTokens', { tokens: world.tokens.join(', '), pin: DEMO_USER_PIN }));
  writeLine(ctx.stdout, `  . ${world.directory}/env.sh`);
  return 0;
}
