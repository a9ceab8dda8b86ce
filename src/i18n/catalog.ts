/**
 * User-facing words, one catalogue per language. Codes (errors, reasons) stay stable; only the
 * front-ends turn them into sentences, through here.
 */
import type { ErrorCode, ErrorDetails } from '../errors.js';
import type { ReasonCode } from '../campaign/decide.js';
import { vi } from './vi.js';
import { en } from './en.js';

export const LANGUAGES = ['vi', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export type Vars = ErrorDetails;
export type Message = string | ((vars: Vars) => string);

export interface Catalog {
  readonly errors: Record<ErrorCode, Message>;
  readonly reasons: Record<ReasonCode, string>;
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

function render(message: Message | undefined, vars: Vars, fallback: string): string {
  if (message === undefined) return fallback;
  return typeof message === 'function' ? message(vars) : message;
}

export interface Translator {
  readonly language: Language;
  error(code: ErrorCode, details?: ErrorDetails): string;
  reason(code: ReasonCode): string;
  text(key: string, vars?: Vars): string;
}

export function translator(language: Language): Translator {
  const catalog = CATALOGS[language];
  return {
    language,
    error: (code, details = {}) => render(catalog.errors[code], details, code),
    reason: (code) => catalog.reasons[code] ?? code,
    text: (key, vars = {}) => render(catalog.text[key], vars, key),
  };
}
