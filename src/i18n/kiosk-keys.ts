/** The keys the kiosk's footer names, as printed on the keyboard: the same in every language. */
import type { Message } from './catalog.js';

export const kioskKeys: Record<string, Message> = {
  'kiosk.key.enter': 'Enter',
  'kiosk.key.esc': 'Esc',
  'kiosk.key.tab': 'Tab',
  'kiosk.key.tabEsc': 'Tab/Esc',
  'kiosk.key.q': 'q',
  'kiosk.key.o': 'o',
  'kiosk.key.l': 'l',
  'kiosk.key.p': 'p',
  'kiosk.key.r': 'r',
  'kiosk.key.y': 'y',
  'kiosk.key.u': 'u',
  'kiosk.key.n': 'n',
  'kiosk.key.nEsc': 'n/Esc',
  'kiosk.key.up': '↑',
  'kiosk.key.down': '↓',
  'kiosk.key.backspace': '⌫',
  'kiosk.key.ctrlC': 'Ctrl-C',
  'kiosk.key.digits': '0-9',
};
