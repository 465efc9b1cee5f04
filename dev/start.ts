/**
 * `npm start`: the local cloud serving this app (its functions, collections, .env files and the
 * HTTP access routes of cloudbaserc.json) with the local dev model at /v1 and the browser preview
 * attached at /. Every option of the local cloud's CLI works here too; `--no-preview` serves the
 * local cloud (and the dev model) alone.
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import { attachPreview } from '../preview/server';
import { isEntryPoint, main, type CliProfile } from 'cloudbase-local';
import { BASE_ENV_FILES, DATABASE_DIR, FUNCTIONS_DIR, REPO_ROOT, SUBSCRIBE_TEMPLATES } from './app';
import { createDevModel, DEV_MODEL_NAME } from './model';
import { readDeclaredEnv, readHttpRoutes } from './project';
import { devWiring, documentedKeys, type DevWiring } from './wiring';

export function startProfile(): CliProfile {
  let preview = true;
  let wiring: DevWiring | undefined;
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
    configure(options, env) {
      const example = fs.readFileSync(join(REPO_ROOT, '.env.example'), 'utf8');
      const httpRoutes = readHttpRoutes();
      const oaPath = httpRoutes.find((route) => route.function === 'oa')?.path;
      wiring = devWiring(env.files, env.process, documentedKeys(example), {
        ...(oaPath ? { oaPath } : {}),
        declared: readDeclaredEnv(),
      });
      // Each function gets its declared variables only (timeouts and triggers come from the
      // config.json that npm run build writes from cloudbaserc.json).
      return { ...options, httpRoutes, wechat: wiring.wechat, functionEnv: {}, functionEnvFor: wiring.envFor };
    },
    async attach(cloud, out) {
      // Registered before the preview, whose routes take what nothing else serves.
      cloud.registerRoute(createDevModel());
      const lines = [
        wiring?.devModel
          ? `  dev model    ${cloud.url}/v1  (chat uses it as MODEL_NAME=${DEV_MODEL_NAME}: no MODEL_BASE_URL is set)`
          : `  dev model    ${cloud.url}/v1  (chat uses MODEL_BASE_URL instead)`,
      ];
      const oa = cloud.wechat.push.settings();
      if (oa)
        lines.push(
          `  Official Account  ${oa.url}  (${oa.mode} mode; write as a follower in the preview or POST /_/api/oa/messages)`,
        );
      if (!preview) return lines;
      // The preview builds (or reuses its cache) before the URL is printed, so the first load is instant.
      const attached = await attachPreview(cloud, { log: out, subscribeTemplates: SUBSCRIBE_TEMPLATES });
      const build = attached.build();
      const how = build.cached ? `cached, ${Math.round(build.ms)} ms` : `built in ${Math.round(build.buildMs)} ms`;
      return [...lines, `Open the app  ${attached.url}  (browser preview, ${how})`];
    },
  };
}

if (isEntryPoint(__filename)) void main(process.argv.slice(2), startProfile());
