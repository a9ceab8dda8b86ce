/** Reading the files the kiosk or the centre is pointed at, with the error codes users see when they are wrong. */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CapbuError, type ErrorCode } from '../errors.js';
import { buildCampaign, parseCaCertificate, parseCampaignSpec, type Campaign } from '../campaign/campaign.js';
import { dataDir } from './data-dir.js';

export function readInput(path: string, notFound: ErrorCode): Buffer {
  try {
    return readFileSync(path);
  } catch {
    // Missing or unreadable, the fix is the same: the path the message names.
    throw new CapbuError(notFound, { path });
  }
}

/** --campaign, else $CAPBU_CAMPAIGN, else campaign.json in the data directory. */
export function campaignPath(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return resolve(flag ?? env.CAPBU_CAMPAIGN ?? resolve(dataDir(env), 'campaign.json'));
}

export function loadCampaign(path: string): Campaign {
  const text = readInput(path, 'CAMPAIGN_NOT_FOUND').toString('utf8');
  let spec;
  try {
    spec = parseCampaignSpec(text);
  } catch (error) {
    if (error instanceof CapbuError) throw new CapbuError(error.code, { ...error.details, path });
    throw error;
  }
  const base = dirname(path);
  const ca = (relative: string) => {
    const caPath = resolve(base, relative);
    return parseCaCertificate(readInput(caPath, 'CA_CERT_NOT_FOUND'), caPath);
  };
  return buildCampaign(spec, ca(spec.oldCa), ca(spec.newCa));
}
