/**
 * Native calls capbu gave up waiting for (a module whose load never returned) still hold a thread
 * of libuv's pool, and Node neither exits by itself while one runs nor, told to exit, gets past
 * waiting for it. The front-end asks here once a command is over. No imports: bin.js reads it
 * for every command.
 */
let running = 0;
let givenUp = false;

/** Counts a native call under way off the main thread; call the result when it returns. */
export function callStarted(): () => void {
  running++;
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    running--;
  };
}

/** A call has been given up on: the command goes on (to its error) without it. */
export function gaveUpOnCall(): void {
  givenUp = true;
}

/** Whether the process must be ended past a call that is still stuck. */
export function callsStuck(): boolean {
  return givenUp && running > 0;
}
