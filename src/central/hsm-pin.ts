/**
 * The HSM's user PIN, the centre's own secret: read from an environment variable so it never
 * appears in a command line, and never printed. It is not a customer's PIN and none of their
 * rules apply (tries, lengths, the final-try confirmation); it is used to log in once, at start.
 */
import { inspect } from 'node:util';
import { CapbuError } from '../errors.js';

export const DEFAULT_PIN_VARIABLE = 'CAPBU_CA_PIN';

const SHOWN = '[HSM PIN]';

export class HsmPin {
  readonly #text: string;

  constructor(text: string) {
    this.#text = text;
  }

  /** CA_PIN_MISSING when the variable is unset or empty. */
  static fromEnv(env: NodeJS.ProcessEnv, variable: string = DEFAULT_PIN_VARIABLE): HsmPin {
    const text = env[variable];
    if (!text) throw new CapbuError('CA_PIN_MISSING', { variable });
    return new HsmPin(text);
  }

  use<T>(login: (pin: string) => T): T {
    return login(this.#text);
  }

  toString(): string {
    return SHOWN;
  }

  toJSON(): string {
    return SHOWN;
  }

  [inspect.custom](): string {
    return SHOWN;
  }
}
