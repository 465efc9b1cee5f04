/**
 * database/collections.json, read and checked: collections, their indexes and their security
 * rules. cloudbaserc.json has no key for the database, so it names this file instead.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

export interface IndexSpec {
  name: string;
  /** Field -> 1 (ascending) or -1 (descending), in key order. */
  keys: Record<string, 1 | -1>;
  unique?: boolean;
}

export interface CollectionSpec {
  description?: string;
  /** CloudBase custom security rules; they bind client access only, never cloud functions. */
  rules: { read: string | boolean; write: string | boolean };
  indexes: IndexSpec[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isRule = (value: unknown): value is string | boolean => typeof value === 'string' || typeof value === 'boolean';

export function readCollections(file: string): Record<string, CollectionSpec> {
  const shown = relative(process.cwd(), file) || file;
  const fail = (message: string): never => {
    throw new Error(`${shown}: ${message}`);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return fail((error as Error).message);
  }
  if (!isRecord(raw) || !isRecord(raw.collections)) return fail('"collections" must be an object of collections');
  const out: Record<string, CollectionSpec> = {};
  for (const [name, spec] of Object.entries(raw.collections)) {
    const bad = (message: string): never => fail(`collection "${name}": ${message}`);
    if (!/^[A-Za-z_][\w-]{0,63}$/.test(name)) bad('invalid name');
    if (!isRecord(spec)) return bad('expected an object');
    const rules = spec.rules;
    if (!isRecord(rules) || !isRule(rules.read) || !isRule(rules.write)) {
      bad('"rules" must be { read, write }, each an expression string or a boolean');
    }
    const indexes: IndexSpec[] = [];
    for (const index of (spec.indexes ?? []) as unknown[]) {
      if (!isRecord(index) || typeof index.name !== 'string' || !isRecord(index.keys)) {
        bad('each index needs { name, keys: { field: 1 | -1 } }');
      }
      const {
        name: indexName,
        keys,
        unique,
      } = index as { name: string; keys: Record<string, unknown>; unique?: unknown };
      if (Object.keys(keys).length === 0 || !Object.values(keys).every((d) => d === 1 || d === -1)) {
        bad(`index "${indexName}": keys must map fields to 1 or -1`);
      }
      if (unique !== undefined && typeof unique !== 'boolean') bad(`index "${indexName}": "unique" must be a boolean`);
      if (indexes.some((i) => i.name === indexName)) bad(`index "${indexName}" appears twice`);
      indexes.push({
        name: indexName,
        keys: keys as Record<string, 1 | -1>,
        ...(unique === true ? { unique: true } : {}),
      });
    }
    const { read, write } = rules as { read: string | boolean; write: string | boolean };
    out[name] = {
      ...(typeof spec.description === 'string' ? { description: spec.description } : {}),
      rules: { read, write },
      indexes,
    };
  }
  return out;
}
