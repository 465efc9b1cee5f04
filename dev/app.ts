/**
 * This app's own wiring of the local cloud: where its functions, collections and environment files
 * live. The local cloud itself knows none of this; `npm start`, the tests and the benchmarks pass it.
 */
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..');
/** The cloud functions, each bundled into index.js by `npm run build`. */
export const FUNCTIONS_DIR = join(REPO_ROOT, 'cloudfunctions');
/** collections.json: the collections, indexes and security rules. */
export const DATABASE_DIR = join(REPO_ROOT, 'database');
/**
 * Local defaults for the functions' environment (e.g. the dev reminder template), read first so a
 * fresh clone runs every function; `.env` (or --env-file) overrides them with a developer's own.
 */
export const BASE_ENV_FILES = ['.env.example'];

/**
 * The subscription templates the app asks for, by id, with the title WeChat's prompt shows (set in
 * the WeChat admin console with the template); the preview's prompt shows the same words.
 */
export const SUBSCRIBE_TEMPLATES: Record<string, string> = { 'local-remind-template': '待办到期提醒' };
