/** The chosen language's words, handed to every view without threading them through props. */
import { createContext, useContext } from 'react';
import type { Translator } from '../i18n/catalog.js';

export const WordsContext = createContext<Translator | null>(null);

export function useWords(): Translator {
  const t = useContext(WordsContext);
  if (!t) throw new Error('a screen rendered outside the kiosk app');
  return t;
}
