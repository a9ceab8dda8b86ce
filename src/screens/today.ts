/** Today at this kiosk: counts by outcome, work waiting to sync, the registry copy's age. */
import { step, type ScreenReducer } from './state.js';

export const todayReducer: ScreenReducer = (state, action) => {
  if (state.screen.name !== 'today' || action.type !== 'key') return null;
  if (action.action === 'back') return step({ ...state, screen: state.screen.back });
  return null;
};
