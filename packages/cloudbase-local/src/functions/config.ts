import { readFileSync } from 'node:fs';
import { isPlainObject } from '../wire/objects';
import type { FunctionConfig } from './types';

/** CloudBase's default when config.json says nothing. */
export const DEFAULT_TIMEOUT_SECONDS = 3;
/** CloudBase accepts up to 900 s for event functions. */
const MAX_TIMEOUT_SECONDS = 900;

/**
 * CloudBase's function name rule (Tencent SCF's: at most 60 characters of a-z, A-Z, 0-9, `-` and
 * `_`, starting with a letter). It also keeps a name from walking out of the functions folder.
 */
export const FUNCTION_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,59}$/;

/**
 * Reads a function's config.json (CloudBase format). Absent file: defaults. Malformed file: throws
 * with the path, because a silently ignored trigger or timeout is worse than a loud error.
 */
export function readFunctionConfig(file: string): FunctionConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { timeout: DEFAULT_TIMEOUT_SECONDS, triggers: [] };
    }
    throw error;
  }
  return parseFunctionConfig(text, file);
}

export function parseFunctionConfig(text: string, file: string): FunctionConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: invalid JSON (${(error as Error).message})`, { cause: error });
  }
  if (!isPlainObject(raw)) throw new Error(`${file}: expected an object`);

  let timeout = DEFAULT_TIMEOUT_SECONDS;
  if (raw.timeout !== undefined) {
    if (typeof raw.timeout !== 'number' || !(raw.timeout > 0) || raw.timeout > MAX_TIMEOUT_SECONDS) {
      throw new Error(`${file}: "timeout" must be a number of seconds in (0, ${MAX_TIMEOUT_SECONDS}]`);
    }
    timeout = raw.timeout;
  }

  const triggers: FunctionConfig['triggers'] = [];
  if (raw.triggers !== undefined) {
    if (!Array.isArray(raw.triggers)) throw new Error(`${file}: "triggers" must be an array`);
    for (const trigger of raw.triggers as unknown[]) {
      if (
        !isPlainObject(trigger) ||
        typeof trigger.name !== 'string' ||
        trigger.type !== 'timer' ||
        typeof trigger.config !== 'string'
      ) {
        throw new Error(`${file}: each trigger needs { name, type: "timer", config: "<7-field cron>" }`);
      }
      triggers.push({ name: trigger.name, type: 'timer', config: trigger.config });
    }
  }

  const config: FunctionConfig = { timeout, triggers };
  if (raw.permissions !== undefined) {
    const openapi = isPlainObject(raw.permissions) ? raw.permissions.openapi : undefined;
    if (
      !isPlainObject(raw.permissions) ||
      (openapi !== undefined && (!Array.isArray(openapi) || !openapi.every((api) => typeof api === 'string')))
    ) {
      throw new Error(`${file}: "permissions.openapi" must be an array of API names`);
    }
    config.permissions = openapi === undefined ? {} : { openapi: [...(openapi as string[])] };
  }
  return config;
}
