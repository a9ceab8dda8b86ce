/** The token's last PIN try: asked for explicitly (y) before anything reaches the token. */
import { step, type ScreenReducer } from './state.js';

export const confirmFinalReducer: ScreenReducer = (state, action) => {
  if (state.screen.name !== 'confirmFinal' || action.type !== 'key') return null;
  const { tokenKey } = state.screen;
  if (action.action === 'confirm') {
    return step({ ...state, screen: { name: 'progress', tokenKey, steps: [] } }, [{ type: 'renew', tokenKey, finalTry: true }], 'send');
  }
  if (action.action === 'back') {
    return step({ ...state, screen: { name: 'pin', tokenKey, length: 0, problem: null, lastError: null } }, [], 'clear');
  }
  return null;
};
