/**
 * `npm start`: the local cloud serving this app (its functions, collections and .env files) with
 * the browser preview attached at /. Every option of the local cloud's CLI works here too;
 * `--no-preview` serves the local cloud alone.
 */
import { attachPreview } from '../preview/server';
import { isEntryPoint, main, type CliProfile } from '../emulator/cli';
import { BASE_ENV_FILES, DATABASE_DIR, FUNCTIONS_DIR, SUBSCRIBE_TEMPLATES } from './app';

export function startProfile(): CliProfile {
  let preview = true;
  return {
    command: 'npm start --',
    defaults: { functionsDir: FUNCTIONS_DIR, databaseDir: DATABASE_DIR },
    baseEnvFiles: BASE_ENV_FILES,
    flags: {
      '--no-preview': {
        usage: '  --no-preview            do not build and serve the browser preview at /',
        set: () => (preview = false),
      },
    },
    async attach(cloud, out) {
      if (!preview) return [];
      // The preview builds (or reuses its cache) before the URL is printed, so the first load is instant.
      const attached = await attachPreview(cloud, { log: out, subscribeTemplates: SUBSCRIBE_TEMPLATES });
      const build = attached.build();
      const how = build.cached ? `cached, ${Math.round(build.ms)} ms` : `built in ${Math.round(build.buildMs)} ms`;
      return [`Open the app  ${attached.url}  (browser preview, ${how})`];
    },
  };
}

if (isEntryPoint(__filename)) void main(process.argv.slice(2), startProfile());
