/** The dashboard's limits, with the values a centre runs with unless told otherwise. */
import type { CentralServices, RateLimit } from '../services.js';

export interface DashboardSettings {
  /** A session ends this long after its login, however active. */
  readonly sessionTtlMs: number;
  /** Login and password attempts per client address. */
  readonly loginLimit: RateLimit;
  /** A kiosk not heard from for longer is highlighted. */
  readonly unsyncedLimitMs: number;
  /** Customers per page of the remaining list (at most progress/ REMAINING_PAGE_MAX). */
  readonly pageSize: number;
}

export const DEFAULT_DASHBOARD: DashboardSettings = {
  sessionTtlMs: 8 * 3600_000,
  loginLimit: { max: 10, timeWindow: 15 * 60_000 },
  // What a kiosk itself warns at (settings unsyncedWarnHours).
  unsyncedLimitMs: 24 * 3600_000,
  pageSize: 100,
};

export interface DashboardOptions {
  readonly services: CentralServices;
  readonly settings: DashboardSettings;
}
