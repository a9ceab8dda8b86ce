/** Waiting for the customer's token: the devices seen without one, and signing out. */
import { step, type ScreenReducer } from './state.js';

export const waitingReducer: ScreenReducer = (state, action) => {
  if (state.screen.name !== 'waiting' || action.type !== 'key') return null;
  if (action.action === 'signOut') {
    return step({ ...state, operator: null, screen: { name: 'signIn', draft: '' } }, [{ type: 'signOut' }]);
  }
  return null;
};
