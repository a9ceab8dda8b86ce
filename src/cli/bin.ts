#!/usr/bin/env node
import { main } from './main.js';
import { muteTerminal, releaseTerminal } from './pin.js';
import { callsStuck } from '../token/stuck-calls.js';

// A reader that stops early (`capbu … | head`) is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

// Before any slow start: a PIN typed ahead of the prompt must not show on the screen.
if (process.argv.includes('--pin-stdin')) muteTerminal(process.stdin);
process.exitCode = await main(process.argv.slice(2));
await releaseTerminal();
// A module load given up on (MODULE_LOAD_TIMEOUT) still holds a thread Node would wait for.
if (callsStuck()) process.exit();
