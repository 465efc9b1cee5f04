/**
 * A run's answer in one readable line, when it is a record of counts (what a timer sweep returns:
 * `{due: 3, sent: 2, failed: 1, deferred: false}`, possibly as the error contract's `{ok, data}`):
 * `sent 2 · failed 1 · due 3`. Anything else (lists, documents) has no such line.
 */

type Fields = Record<string, unknown>;

const isRecord = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `[path, value]` for every number and boolean, one level of nesting flattened; undefined when something else is there. */
function counts(fields: Fields, prefix: string, depth: number, out: Array<[string, number | boolean]>): boolean {
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === 'number' || typeof value === 'boolean') out.push([prefix + key, value]);
    else if (value === null) continue;
    else if (isRecord(value) && depth === 0) {
      if (!counts(value, `${prefix}${key}.`, 1, out)) return false;
    } else return false;
  }
  return true;
}

/** Counts that are not zero come first, in their order; `false` flags are left out. */
export function resultSummary(result: unknown): string | undefined {
  let value = result;
  if (isRecord(value) && value.ok === true && isRecord(value.data)) value = value.data;
  if (!isRecord(value)) return undefined;
  const fields: Array<[string, number | boolean]> = [];
  const rest = Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'ok'));
  if (!counts(rest, '', 0, fields) || !fields.some(([, v]) => typeof v === 'number')) return undefined;
  const shown = fields.filter(([, v]) => v !== 0 && v !== false).map(([key, v]) => (v === true ? key : `${key} ${v}`));
  return shown.length ? shown.join(' · ') : 'nothing to do (every count 0)';
}
