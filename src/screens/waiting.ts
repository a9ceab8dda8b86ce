/** Waiting for the customer's token: the devices seen without one, signing out, the language. */
import { step, type ScreenReducer } from './state.js';

export const waitingReducer: ScreenReducer = (state, action) => {
  if (state.screen.name !== 'waiting' || action.type !== 'key') return null;
  if (action.action === 'language') {
    // The words change once the setting is saved and journaled: the engine answers `language`.
    return step(state, [{ type: 'setLanguage', language: state.language === 'vi' ? 'en' : 'vi' }]);
  }
  if (action.action === 'signOut') {
    return step({ ...state, operator: null, screen: { name: 'signIn', draft: '' } }, [{ type: 'signOut' }]);
  }
  return null;
};
