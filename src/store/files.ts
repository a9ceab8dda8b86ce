/** Reading the files the kiosk or the centre is pointed at, with the error codes users see when they are wrong. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CapbuError, type ErrorCode } from '../errors.js';
import { buildCampaign, parseCampaignFile, type Campaign } from '../campaign/campaign.js';
import { campaignSet, type CampaignSet } from '../campaign/campaigns.js';
import { parseCaCertificate } from '../pki/ca-certificate.js';
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

/**
 * The campaigns `--campaign` names: a file with one campaign or `{"campaigns": [ … ]}`, or a
 * directory whose `*.json` files are read in name order. CA paths are relative to their file.
 */
export function loadCampaigns(path: string): CampaignSet {
  const files = isDirectory(path)
    ? readdirSync(path)
        .filter((name) => name.endsWith('.json'))
        .sort()
        .map((name) => join(path, name))
    : [path];
  const campaigns = files.flatMap(campaignsIn);
  if (campaigns.length === 0) throw new CapbuError('CAMPAIGN_INVALID', { field: '-', problem: 'empty', path });
  try {
    return campaignSet(campaigns);
  } catch (error) {
    if (error instanceof CapbuError) throw new CapbuError(error.code, { ...error.details, path });
    throw error;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    // Not there: reading it as a file says CAMPAIGN_NOT_FOUND with the path.
    return false;
  }
}

function campaignsIn(path: string): Campaign[] {
  const text = readInput(path, 'CAMPAIGN_NOT_FOUND').toString('utf8');
  let specs;
  try {
    specs = parseCampaignFile(text);
  } catch (error) {
    if (error instanceof CapbuError) throw new CapbuError(error.code, { ...error.details, path });
    throw error;
  }
  const base = dirname(path);
  const ca = (relative: string) => {
    const caPath = resolve(base, relative);
    return parseCaCertificate(readInput(caPath, 'CA_CERT_NOT_FOUND'), caPath);
  };
  return specs.map((spec) => buildCampaign(spec, ca(spec.oldCa), ca(spec.newCa)));
}
