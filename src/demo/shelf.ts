/**
 * Plugging and pulling the demo customers' tokens: a token's folder moves between the shelf and
 * SoftHSM2's token directory, and the kiosk's detection sees it come and go as a real one.
 * Renames within one directory tree: a token is never half there.
 */
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { CapbuError } from '../errors.js';
import { demoPaths, readDemoWorld, type DemoCustomer, type DemoWorld } from './world.js';

export function openDemoWorld(directory: string): DemoWorld {
  const world = readDemoWorld(directory);
  if (!world) throw new CapbuError('DEMO_NOT_FOUND', { directory });
  return world;
}

export function isPlugged(world: DemoWorld, customer: DemoCustomer): boolean {
  return existsSync(join(demoPaths(world.directory).tokens, customer.folder));
}

/** A customer by digit or token label. */
export function demoCustomer(world: DemoWorld, which: string): DemoCustomer {
  const found = world.customers.find((c) => c.key === which || c.token.toLowerCase() === which.toLowerCase());
  if (!found) throw new CapbuError('DEMO_CUSTOMER_UNKNOWN', { name: which, names: world.customers.map((c) => c.token) });
  return found;
}

export function plugDemoToken(world: DemoWorld, which: string): DemoCustomer {
  const customer = demoCustomer(world, which);
  const { shelf, tokens } = demoPaths(world.directory);
  if (!isPlugged(world, customer)) renameSync(join(shelf, customer.folder), join(tokens, customer.folder));
  return customer;
}

/** Pulls the named customer's token, or every plugged one; returns those pulled. */
export function pullDemoTokens(world: DemoWorld, which?: string): DemoCustomer[] {
  const { shelf, tokens } = demoPaths(world.directory);
  const chosen = which === undefined ? world.customers : [demoCustomer(world, which)];
  const pulled = chosen.filter((c) => isPlugged(world, c));
  for (const c of pulled) renameSync(join(tokens, c.folder), join(shelf, c.folder));
  return pulled;
}
