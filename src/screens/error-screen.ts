/** What went wrong in plain words, what to do, a key to retry and one to go back. */
import { screenForTokens, step, tokenOf, type ScreenReducer } from './state.js';

export const errorReducer: ScreenReducer = (state, action) => {
  if (state.screen.name !== 'error' || action.type !== 'key') return null;
  const { tokenKey, retry } = state.screen;
  if (action.action === 'retry' && retry === 'pin' && tokenKey && tokenOf(state, tokenKey)) {
    return step({ ...state, screen: { name: 'pin', tokenKey, length: 0, problem: null, lastError: null } }, [], 'clear');
  }
  if (action.action === 'back') {
    const screen = tokenKey && tokenOf(state, tokenKey) ? { name: 'verdict' as const, tokenKey } : screenForTokens(state.tokens);
    return step({ ...state, screen });
  }
  return null;
};
