/**
 * The campaign file: which CA key is being replaced, by which, and the dates that decide who
 * qualifies. A file holds one campaign (an object) or several (`{"campaigns": [ … ]}`). Parsing is
 * split from file reading so the rules stay free of I/O.
 */
import { CapbuError } from '../errors.js';
import type { CaCertificate } from '../pki/ca-certificate.js';
import { isCalendarDate, isTimeZone, type CalendarDate } from './calendar.js';
import { parsePlan, type RolloutPlan } from './plan.js';

export interface CampaignSpec {
  readonly id: string;
  readonly name: string;
  readonly timeZone: string;
  /** Paths as written in the file, relative to it. */
  readonly oldCa: string;
  readonly newCa: string;
  readonly capDate: CalendarDate;
  readonly issuedBefore: CalendarDate;
  /** The rollout by token hardware version (plan.ts); none: open to every version from the start. */
  readonly plan?: RolloutPlan | null;
}

export interface Campaign extends Omit<CampaignSpec, 'oldCa' | 'newCa'> {
  readonly oldCa: CaCertificate;
  readonly newCa: CaCertificate;
}

function invalid(field: string, problem: string): CapbuError {
  return new CapbuError('CAMPAIGN_INVALID', { field, problem });
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** One campaign's fields; `at` prefixes the field names errors give (`campaigns[1].`). */
function specFrom(obj: Record<string, unknown>, at: string): CampaignSpec {
  const str = (field: string): string => {
    const value = obj[field];
    if (typeof value !== 'string' || value.trim() === '') throw invalid(at + field, 'missing');
    return value;
  };
  const date = (field: string): CalendarDate => {
    const value = str(field);
    if (!isCalendarDate(value)) throw invalid(at + field, 'not-a-date');
    return value;
  };
  const timeZone = str('timeZone');
  if (!isTimeZone(timeZone)) throw invalid(at + 'timeZone', 'unknown-time-zone');
  return {
    id: str('id'),
    name: str('name'),
    timeZone,
    oldCa: str('oldCa'),
    newCa: str('newCa'),
    capDate: date('capDate'),
    issuedBefore: date('issuedBefore'),
    ...(obj.plan !== undefined && { plan: parsePlan(obj.plan) }),
  };
}

/** The campaigns a file's text holds, in its order: one campaign, or `{"campaigns": [ … ]}`. */
export function parseCampaignFile(text: string): CampaignSpec[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // JSON.parse's SyntaxError only says where; the file is refused whole.
    throw invalid('-', 'not-json');
  }
  if (!isObject(raw)) throw invalid('-', 'not-object');
  if (!('campaigns' in raw)) return [specFrom(raw, '')];
  const list = raw.campaigns;
  if (!Array.isArray(list) || list.length === 0) throw invalid('campaigns', 'empty');
  return list.map((entry, i) => {
    if (!isObject(entry)) throw invalid(`campaigns[${i}]`, 'not-object');
    return specFrom(entry, `campaigns[${i}].`);
  });
}

export function buildCampaign(spec: CampaignSpec, oldCa: CaCertificate, newCa: CaCertificate): Campaign {
  return { ...spec, oldCa, newCa };
}
