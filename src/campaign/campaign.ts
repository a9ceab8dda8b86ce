/**
 * The campaign file: which CA key is being replaced, by which, and the dates that decide who
 * qualifies. Parsing is split from file reading so the rules stay free of I/O.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { CapbuError } from '../errors.js';
import { isCalendarDate, isTimeZone, type CalendarDate } from './calendar.js';
import { parsePlan, type RolloutPlan } from './plan.js';
import { certificatesFromFile, parseCertificate, type CertificateFacts } from '../pki/certificate.js';

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

export interface CaCertificate {
  readonly facts: CertificateFacts;
  readonly publicKey: KeyObject;
}

export interface Campaign extends Omit<CampaignSpec, 'oldCa' | 'newCa'> {
  readonly oldCa: CaCertificate;
  readonly newCa: CaCertificate;
}

function invalid(field: string, problem: string): CapbuError {
  return new CapbuError('CAMPAIGN_INVALID', { field, problem });
}

export function parseCampaignSpec(text: string): CampaignSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // JSON.parse's SyntaxError only says where; the file is refused whole.
    throw invalid('-', 'not-json');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid('-', 'not-object');
  const obj = raw as Record<string, unknown>;
  const str = (field: string): string => {
    const value = obj[field];
    if (typeof value !== 'string' || value.trim() === '') throw invalid(field, 'missing');
    return value;
  };
  const date = (field: string): CalendarDate => {
    const value = str(field);
    if (!isCalendarDate(value)) throw invalid(field, 'not-a-date');
    return value;
  };
  const timeZone = str('timeZone');
  if (!isTimeZone(timeZone)) throw invalid('timeZone', 'unknown-time-zone');
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

/** The CA certificate in a file's bytes: the first certificate it holds. */
export function parseCaCertificate(bytes: Uint8Array, path: string): CaCertificate {
  for (const der of certificatesFromFile(bytes)) {
    try {
      const facts = parseCertificate(der);
      return { facts, publicKey: createPublicKey({ key: Buffer.from(facts.spki), format: 'der', type: 'spki' }) };
    } catch {
      // Not a certificate (a key in the same PEM file, say): keep looking.
    }
  }
  throw new CapbuError('CA_CERT_INVALID', { path });
}

export function buildCampaign(spec: CampaignSpec, oldCa: CaCertificate, newCa: CaCertificate): Campaign {
  return { ...spec, oldCa, newCa };
}
