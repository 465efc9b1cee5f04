/**
 * Where the values behind `{{env.NAME}}` come from, as CloudBase's CLI takes them: `.env`, then
 * `.env.local`, then the process environment on top. `.env.example` is never read here: it holds
 * local defaults (a dev template id) that must not reach the real cloud.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CloudConfig, FunctionSpec } from './config';

export const DEPLOY_ENV_FILES = ['.env', '.env.local'] as const;

/** KEY=VALUE lines; `#` comments; `export ` prefix; optional quotes around the value. */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(raw);
    if (!match || raw.trimStart().startsWith('#')) continue;
    let value = match[2];
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.length >= 2 && value.endsWith(quote)) value = value.slice(1, -1);
    else value = value.replace(/\s+#.*$/, '');
    out[match[1]] = value;
  }
  return out;
}

/** The values a deploy sees: the env files under `root`, overridden by `env`. */
export function deployValues(root: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of DEPLOY_ENV_FILES) {
    const file = join(root, name);
    if (existsSync(file)) Object.assign(values, parseDotenv(readFileSync(file, 'utf8')));
  }
  for (const [key, value] of Object.entries(env)) if (value !== undefined) values[key] = value;
  return values;
}

export interface ResolvedEnvironment {
  /** Declared names that have a non-empty value. */
  set: Record<string, string>;
  /** Declared names without a value: the function runs without them (its code applies defaults). */
  unset: string[];
}

/** The variables a function gets: only the names it declares, as on CloudBase. */
export function functionEnvironment(fn: FunctionSpec, values: Record<string, string>): ResolvedEnvironment {
  const set: Record<string, string> = {};
  const unset: string[] = [];
  for (const name of fn.envVariables) {
    const value = values[name];
    if (value === undefined || value === '') unset.push(name);
    else set[name] = value;
  }
  return { set, unset };
}

export function envId(config: CloudConfig, values: Record<string, string>): string | undefined {
  return values[config.envIdVariable] || undefined;
}
