import envPaths from 'env-paths';

/** The kiosk's data directory: $CAPBU_HOME, else the platform's per-user data directory. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.CAPBU_HOME?.trim();
  return home ? home : envPaths('capbu', { suffix: '' }).data;
}
