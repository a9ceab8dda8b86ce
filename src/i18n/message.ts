/** A catalogue entry: fixed words, or words around the values of the moment. */
import type { ErrorDetails } from '../errors.js';

export type Vars = ErrorDetails;
export type Message = string | ((vars: Vars) => string);

export function render(message: Message | undefined, vars: Vars, fallback = ''): string {
  if (message === undefined) return fallback;
  return typeof message === 'function' ? message(vars) : message;
}

export const list = (v: unknown) => (Array.isArray(v) ? v.join(', ') : String(v ?? ''));

/** Names as typed, each in quotes: "lang", "operator". */
export const quoted = (v: unknown) => (Array.isArray(v) ? v.map((x) => `"${String(x)}"`).join(', ') : `"${String(v ?? '')}"`);

/** A full stop, unless the sentence ends in a question or a stop already. */
export const sentence = (text: string) => (/[?.]$/.test(text) ? text : `${text}.`);
