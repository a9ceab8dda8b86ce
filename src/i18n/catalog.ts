/**
 * User-facing words, one catalogue per language. Codes (errors, reasons) stay stable; only the
 * front-ends turn them into sentences, through here.
 */
import type { ErrorCode, ErrorDetails, UsageProblem } from '../errors.js';
import { render, type Message, type Vars } from './message.js';
import type { ReasonCode } from '../campaign/decide.js';
import { vi } from './vi.js';
import { en } from './en.js';

export const LANGUAGES = ['vi', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export type { Message, Vars } from './message.js';

export interface Catalog {
  readonly errors: Record<ErrorCode, Message>;
  /** What is wrong with a command line (USAGE's `details.usage`). */
  readonly usage: Record<UsageProblem, Message>;
  readonly reasons: Record<ReasonCode, Message>;
  readonly text: Record<string, Message>;
}

const CATALOGS: Record<Language, Catalog> = { vi, en };

export function isLanguage(value: string): value is Language {
  return (LANGUAGES as readonly string[]).includes(value);
}

/** --lang wins, then CAPBU_LANG, then Vietnamese. */
export function pickLanguage(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Language {
  for (const candidate of [flag, env.CAPBU_LANG]) {
    if (candidate && isLanguage(candidate)) return candidate;
  }
  return 'vi';
}


export interface Translator {
  readonly language: Language;
  error(code: ErrorCode, details?: ErrorDetails): string;
  /** What is true of the certificate and what to tell the customer, with its dates in `vars`. */
  reason(code: ReasonCode, vars?: Vars): string;
  text(key: string, vars?: Vars): string;
}

export function translator(language: Language): Translator {
  const catalog = CATALOGS[language];
  return {
    language,
    error: (code, details = {}) => render(catalog.errors[code], details, code),
    reason: (code, vars = {}) => render(catalog.reasons[code], vars, code),
    text: (key, vars = {}) => render(catalog.text[key], vars, key),
  };
}
