/** `capbu enroll`: exchange the one-time code for a credential and keep it in the data directory. */
import { CentralClient } from './client.js';
import { credentialSlot, loadCredential, type KioskCredential } from './credential.js';

export async function enrollKiosk(server: string, code: string, dataDir: string, now: () => Date = () => new Date()): Promise<{ credential: KioskCredential; path: string }> {
  const slot = credentialSlot(dataDir);
  let reply;
  try {
    reply = await new CentralClient({ server, now }).enroll(code);
  } catch (error) {
    slot.discard();
    throw error;
  }
  const credential: KioskCredential = {
    server,
    kioskId: reply.kioskId,
    province: reply.province,
    channel: reply.channel,
    credential: reply.credential,
    enrolledAt: (reply.time.centreTime ?? now()).toISOString(),
  };
  return { credential, path: slot.save(credential) };
}

/** The client an enrolled kiosk uses for everything else. */
export function kioskClient(dataDir: string, options: { timeoutMs?: number; now?: () => Date } = {}): CentralClient {
  const saved = loadCredential(dataDir);
  return new CentralClient({ server: saved.server, credential: saved.credential, ...options });
}
