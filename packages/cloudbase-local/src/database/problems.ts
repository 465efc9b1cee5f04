/**
 * Faults the documents themselves record, found without knowing the app that wrote them:
 *   GET /_/api/problems      {scanned, truncated, groups: [{collection, field, code, count, where, docs}]}
 * A document is a problem when a field named `error` or ending in `Error` (at the top level or one
 * level down) holds an object with a `code` (or a non-zero WeChat `errcode`), or when it carries a
 * marker a repair leaves: `invalid` (any value but false/null) or `repairedAt`. Problems are
 * grouped by collection, field and code, newest first; `where` is the filter that lists a group in
 * the documents view.
 */
import type { InspectorRequest } from '../service';
import * as ejson from '../wire/ejson';
import { isPlainObject } from '../wire/objects';
import type { ProblemGroup, ProblemsAnswer } from './problem-types';
import type { Doc, DocumentStore } from './store/types';

export type { ProblemGroup, ProblemsAnswer } from './problem-types';

/** Documents read per collection, newest first: a local cloud's data is small, a runaway one is not. */
export const SCAN_LIMIT = 5000;
/** Documents listed per group; `count` says how many there are. */
const LISTED = 20;
const MESSAGE_CHARS = 200;

const ERROR_FIELD = /^(error|[A-Za-z0-9_]*[a-z0-9]Error)$/;

interface Finding {
  /** Dotted path of the field that says so. */
  field: string;
  code: string;
  message?: string;
  /** The path whose existence finds the group again as a `where`, and the value it must have. */
  match: Record<string, unknown>;
}

const clip = (text: string): string => (text.length > MESSAGE_CHARS ? `${text.slice(0, MESSAGE_CHARS)}…` : text);

function errorFinding(path: string, value: unknown): Finding | undefined {
  if (!isPlainObject(value)) return undefined;
  const message =
    typeof value.message === 'string' ? value.message : typeof value.errmsg === 'string' ? value.errmsg : undefined;
  const withMessage = (finding: Finding): Finding => (message ? { ...finding, message: clip(message) } : finding);
  if (typeof value.code === 'string' && value.code) {
    return withMessage({ field: path, code: value.code, match: { [`${path}.code`]: value.code } });
  }
  if (typeof value.errcode === 'number' && value.errcode !== 0) {
    const code = `errcode ${value.errcode}`;
    return withMessage({ field: path, code, match: { [`${path}.errcode`]: value.errcode } });
  }
  return undefined;
}

/** What a document says went wrong with it; empty for a healthy one. */
export function findingsOf(doc: Doc): Finding[] {
  const out: Finding[] = [];
  const visit = (fields: Record<string, unknown>, prefix: string, depth: number): void => {
    for (const [key, value] of Object.entries(fields)) {
      const path = prefix + key;
      if (ERROR_FIELD.test(key)) {
        const found = errorFinding(path, value);
        if (found) out.push(found);
      } else if (key === 'invalid' && value !== false && value !== null && value !== undefined) {
        out.push({ field: path, code: 'invalid', match: { [path]: { $exists: true, $nin: [false, null] } } });
      } else if (key === 'repairedAt' && value !== null && value !== undefined) {
        out.push({ field: path, code: 'repaired', match: { [path]: { $exists: true, $ne: null } } });
      } else if (depth === 0 && isPlainObject(value)) visit(value, `${path}.`, 1);
    }
  };
  visit(doc, '', 0);
  return out;
}

async function scan(store: DocumentStore): Promise<ProblemsAnswer> {
  const groups = new Map<string, ProblemGroup>();
  const truncated: string[] = [];
  let scanned = 0;
  for (const name of (await store.listCollections()).sort()) {
    const total = await store.count(name, {});
    const skip = Math.max(0, total - SCAN_LIMIT);
    if (skip > 0) truncated.push(name);
    // Insertion order, read from the newest SCAN_LIMIT; reversed so each group lists newest first.
    const docs = (await store.find(name, {}, { skip, limit: SCAN_LIMIT })).reverse();
    scanned += docs.length;
    for (const doc of docs) {
      for (const finding of findingsOf(doc)) {
        const key = JSON.stringify([name, finding.field, finding.code]);
        let group = groups.get(key);
        if (!group) {
          const where = JSON.stringify(ejson.encode(finding.match, { dates: 'iso' }));
          group = { collection: name, field: finding.field, code: finding.code, count: 0, where, docs: [] };
          groups.set(key, group);
        }
        group.count += 1;
        if (group.docs.length < LISTED) {
          const listed: ProblemGroup['docs'][number] = { id: doc._id };
          if (finding.message) listed.message = finding.message;
          if (doc.updatedAt !== undefined) listed.updatedAt = ejson.encode(doc.updatedAt, { dates: 'iso' });
          group.docs.push(listed);
        }
      }
    }
  }
  return { scanned, scanLimit: SCAN_LIMIT, truncated, groups: [...groups.values()] };
}

export async function problemsRoute(store: DocumentStore, request: InspectorRequest): Promise<boolean> {
  if (request.method !== 'GET' || request.route.length !== 1) return false;
  request.json(200, await scan(store));
  return true;
}
