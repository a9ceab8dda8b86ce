/** `capbu enroll`: exchange the one-time code for a credential and keep it in the data directory. */
import { CentralClient } from './client.js';
import { saveCredential, loadCredential, type KioskCredential } from './credential.js';

export async function enrollKiosk(server: string, code: string, dataDir: string, now: () => Date = () => new Date()): Promise<{ credential: KioskCredential; path: string }> {
  const reply = await new CentralClient({ server, now }).enroll(code);
  const credential: KioskCredential = {
    server,
    kioskId: reply.kioskId,
    province: reply.province,
    channel: reply.channel,
    credential: reply.credential,
    enrolledAt: (reply.time.centreTime ?? now()).toISOString(),
  };
  return { credential, path: saveCredential(dataDir, credential) };
}

/** The client an enrolled kiosk uses for everything else. */
export function kioskClient(dataDir: string, options: { timeoutMs?: number; now?: () => Date } = {}): CentralClient {
  const saved = loadCredential(dataDir);
  return new CentralClient({ server: saved.server, credential: saved.credential, ...options });
}
