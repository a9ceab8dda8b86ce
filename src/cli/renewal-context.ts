/** What `capbu renew` and `capbu sync` share: the kiosk's store, settings, enrolment and the centre. */
import type { Channel } from '../central/api.js';
import type { RenewalContext } from '../renewal/renew.js';
import { dataDir } from '../store/data-dir.js';
import { loadSettings } from '../store/settings.js';
import { openStore } from '../store/store.js';
import { CentralClient } from '../sync/client.js';
import { loadCredential } from '../sync/credential.js';
import { catalogue } from '../token/catalogue.js';
import { CapbuError } from '../errors.js';
import { openTokenModule, type Opened } from '../token/pick.js';
import { systemDevices } from '../token/usb.js';
import type { Context } from './context.js';
import { serverFlag } from './server-flag.js';
import { campaignPath, loadCampaigns } from '../store/files.js';

export interface RenewalFlags {
  /** The command these flags came with, for the help a usage error points to. */
  readonly command: 'renew' | 'sync';
  readonly campaign?: string;
  readonly module?: string;
  readonly server?: string;
  /** Bounds each step of a call to the centre (the client's default otherwise). */
  readonly timeoutMs?: number;
}

export function renewalContext(
  ctx: Context,
  flags: RenewalFlags,
  clock: () => Date,
): RenewalContext & {
  readonly client: CentralClient;
  readonly server: string;
  /** Finds and loads (with a timeout) the module holding the token labelled `label`, before `lib` is used. */
  openToken(label: string | undefined): Promise<void>;
} {
  // A mistyped --server is the operator's to fix now, not a reason to queue the renewal.
  const server = flags.server === undefined ? undefined : serverFlag(flags.server, flags.command);
  const home = dataDir(ctx.env);
  const campaigns = loadCampaigns(campaignPath(flags.campaign, ctx.env));
  const saved = loadCredential(home);
  const settings = loadSettings(home);
  // Opened when asked: `capbu sync` never touches a token, so never needs a device plugged in.
  let opened: Opened | undefined;
  const token = () => {
    if (!opened) throw new CapbuError('INTERNAL', { message: 'the token module is used before openToken' });
    return opened;
  };
  return {
    async openToken(label) {
      opened = await openTokenModule({ flag: flags.module, env: ctx.env, listDevices: systemDevices(ctx.env), catalogue: catalogue(settings.devices), modules: settings.modules }, label);
    },
    get lib() {
      return token().lib;
    },
    get hardwareVersion() {
      return token().hardwareVersion;
    },
    db: openStore(home),
    campaigns,
    client: new CentralClient({ server: server ?? saved.server, credential: saved.credential, now: clock, timeoutMs: flags.timeoutMs }),
    server: server ?? saved.server,
    settings,
    kiosk: { id: saved.kioskId, channel: saved.channel as Channel },
    dataDir: home,
    clock,
  };
}

