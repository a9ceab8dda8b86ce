/**
 * What the dashboard's pages show, behind one narrow interface taking a scope (the provinces an
 * account may see, or all). This implementation computes it from the centre's report
 * (central/report.ts); the aggregate queries built for a whole campaign can replace it without
 * the pages changing.
 */
import type { Campaign } from '../../campaign/campaign.js';
import type { KioskLine, Report, ReportGroup } from '../api.js';
import { buildReport, countedCertificates } from '../report.js';
import type { CentralStore } from '../storage/store.js';

/** The provinces an account may see: every one, or these codes. */
export type Scope = 'all' | readonly string[];

export const inScope = (scope: Scope, province: string): boolean => scope === 'all' || scope.includes(province);

export type DayCount = Report['renewalsPerDay'][number];

export interface Overview {
  readonly generatedAt: string;
  readonly total: ReportGroup;
  readonly renewalsPerDay: readonly DayCount[];
  readonly byProvince: readonly ReportGroup[];
  readonly byHardwareVersion: readonly ReportGroup[];
  readonly byChannel: readonly ReportGroup[];
}

export interface ProvinceProgress {
  readonly province: string;
  readonly generatedAt: string;
  readonly total: ReportGroup;
  readonly kiosks: readonly KioskLine[];
  readonly renewalsPerDay: readonly DayCount[];
  /** Most frequent first. */
  readonly refusedByReason: readonly { reason: string; count: number }[];
}

/** An eligible customer not renewed yet: whom the province calls. */
export interface RemainingCustomer {
  readonly serial: string;
  readonly taxCode: string;
  /** yyyy-mm-dd, as the registry gives it. */
  readonly contractEnd: string;
}

export interface RemainingPage {
  readonly province: string;
  /** How many remain in the province, all pages together. */
  readonly total: number;
  readonly offset: number;
  readonly rows: readonly RemainingCustomer[];
}

export interface Progress {
  overview(scope: Scope): Promise<Overview>;
  province(code: string): Promise<ProvinceProgress>;
  /** In serial order, `limit` rows from `offset`. */
  remaining(code: string, page: { offset: number; limit: number }): Promise<RemainingPage>;
}

export function reportProgress(store: CentralStore, campaign: Campaign, now: () => Date): Progress {
  return {
    overview: async (scope) => {
      const r = await buildReport(store, campaign, now(), (p) => inScope(scope, p));
      return {
        generatedAt: r.generatedAt,
        total: r.total,
        renewalsPerDay: r.renewalsPerDay,
        byProvince: r.byProvince,
        byHardwareVersion: r.byHardwareVersion,
        byChannel: r.byChannel,
      };
    },
    province: async (code) => {
      const r = await buildReport(store, campaign, now(), (p) => p === code);
      const refused = Object.entries(r.total.refused).map(([reason, count]) => ({ reason, count }));
      refused.sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
      return { province: code, generatedAt: r.generatedAt, total: r.total, kiosks: r.kiosks, renewalsPerDay: r.renewalsPerDay, refusedByReason: refused };
    },
    remaining: async (code, { offset, limit }) => {
      const left = (await countedCertificates(store, campaign, now())).filter((c) => c.province === code && !c.renewed && c.subscriber);
      const rows = left.slice(offset, offset + limit).map((c) => ({ serial: c.serial, taxCode: c.subscriber!.taxCode, contractEnd: c.subscriber!.contractEnd }));
      return { province: code, total: left.length, offset, rows };
    },
  };
}
