/** The token and the verdict on its certificates; Enter starts the renewal of an eligible one. */
import { step, type ScreenReducer } from './state.js';

export const verdictReducer: ScreenReducer = (state, action) => {
  if (state.screen.name !== 'verdict' || action.type !== 'key') return null;
  const { tokenKey } = state.screen;
  // The key table only offers Enter when the candidate is eligible and the PIN not locked.
  if (action.action === 'submit') {
    return step({ ...state, notice: null, screen: { name: 'pin', tokenKey, length: 0, problem: null, lastError: null } }, [], 'clear');
  }
  if (action.action === 'back') {
    const index = Math.max(0, state.tokens.findIndex((t) => t.key === tokenKey));
    return step({ ...state, screen: { name: 'choose', index } });
  }
  return null;
};
