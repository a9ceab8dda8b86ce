/** Operator sign-in: a name or staff code, kept for the journal and the receipts. */
import { screenForTokens, step, type ScreenReducer } from './state.js';

/** Long enough for a full Vietnamese name in ASCII or a staff code; the journal keeps it whole. */
export const OPERATOR_MAX_LENGTH = 64;

export const signInReducer: ScreenReducer = (state, action) => {
  if (state.screen.name !== 'signIn') return null;
  const { draft } = state.screen;
  if (action.type === 'text') {
    // The name goes into the journal and onto receipts: no control character, whoever sends it.
    if (draft.length >= OPERATOR_MAX_LENGTH || /\p{Cc}/u.test(action.char)) return step(state);
    return step({ ...state, screen: { name: 'signIn', draft: draft + action.char } });
  }
  if (action.type !== 'key') return null;
  if (action.action === 'previous') return step({ ...state, screen: { name: 'signIn', draft: draft.slice(0, -1) } });
  if (action.action === 'submit') {
    const operator = draft.trim();
    if (operator === '') return step(state);
    return step({ ...state, operator, screen: screenForTokens(state.tokens) }, [{ type: 'signIn', operator }]);
  }
  return null;
};
