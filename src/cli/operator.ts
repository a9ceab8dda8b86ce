import { userInfo } from 'node:os';
import type { KioskSettings } from '../store/settings.js';

/** Who is at the kiosk: --operator, else the kiosk's setting, else the logged-in user. */
export function operatorName(flag: string | undefined, settings: KioskSettings): string {
  return flag ?? settings.operator ?? userInfo().username;
}
