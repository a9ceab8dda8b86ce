/** The renewal is done (or queued): new validity, the portals to update, the receipt. */
import { step, type ScreenReducer } from './state.js';

export const doneReducer: ScreenReducer = (state, action) => {
  if (state.screen.name !== 'done' || action.type !== 'key') return null;
  const { outcome, tokenKey } = state.screen;
  if (action.action === 'submit') return step({ ...state, dismissed: tokenKey, printed: null, screen: { name: 'waiting' } });
  if (action.action === 'print' && outcome.status !== 'queued' && outcome.receiptPath) {
    return step({ ...state, printed: null }, [{ type: 'print', receiptPath: outcome.receiptPath }]);
  }
  return null;
};
