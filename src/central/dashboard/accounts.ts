/**
 * Dashboard accounts as the operator makes them (`capbu central user add`): the checks on name,
 * role and provinces, and the one-time code that lets the person choose their password. The code
 * is shown once; the store keeps its hash, and it dies when spent or expired.
 */
import { CapbuError } from '../../errors.js';
import { enrolmentCodeHash, newEnrolmentCode } from '../credentials.js';
import { USER_ROLES, type CentralStore, type UserRole } from '../storage/store.js';

export const USER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
export const DEFAULT_SETUP_HOURS = 24;
/** Where the one-time code is spent, under the dashboard's address. */
export const PASSWORD_PATH = '/password';

export interface AccountRequest {
  readonly name: string;
  readonly role: string;
  readonly provinces: readonly string[];
  readonly validHours: number;
}

export interface NewAccount {
  readonly name: string;
  readonly role: UserRole;
  readonly provinces: readonly string[];
  readonly code: string;
  readonly expires: Date;
}

const usage = (usage: string, details: Record<string, string>) => new CapbuError('USAGE', { usage, command: 'central user add', ...details });

/** `--province HN --province HCM` and `--province HN,HCM` alike; codes as the registry writes them. */
export function provinceList(given: readonly string[]): string[] {
  return [...new Set(given.flatMap((p) => p.split(',')).map((p) => p.trim()).filter((p) => p !== ''))];
}

export async function addAccount(store: CentralStore, request: AccountRequest, at: Date): Promise<NewAccount> {
  if (!USER_NAME_PATTERN.test(request.name)) throw usage('userName', { value: request.name });
  if (!(USER_ROLES as readonly string[]).includes(request.role)) throw usage('userRole', { value: request.role });
  const role = request.role as UserRole;
  const provinces = provinceList(request.provinces);
  if ((role === 'admin') !== (provinces.length === 0)) throw usage('userProvinces', { role });
  const code = newEnrolmentCode();
  const expires = new Date(at.getTime() + request.validHours * 3600_000);
  await store.addUser({
    name: request.name,
    role,
    provinces,
    setupCodeHash: enrolmentCodeHash(code),
    setupExpires: expires.toISOString(),
    createdAt: at.toISOString(),
  });
  return { name: request.name, role, provinces, code, expires };
}
