import { isPlainObject } from './engine';
import type { FieldFacts } from './fieldkinds';
import { fieldOperand, idOperand, isRangeOperator } from './ranges';
import { quoteLiteral, type SqlParams } from './sql';
import type { Query } from './types';

/** The stored form a keyset column is compared with, or undefined when SQL may not decide it. */
function operandText(field: string, value: unknown, facts: FieldFacts): string | undefined {
  if (field === '_id') return idOperand(value, facts) ? value : undefined;
  if (field.includes('.') || field.startsWith('$')) return undefined;
  const operand = fieldOperand(field, value, facts);
  return operand && JSON.stringify(operand.json);
}

function soleOperator(condition: unknown): [op: string, arg: unknown] | undefined {
  if (!isPlainObject(condition)) return undefined;
  const entries = Object.entries(condition);
  return entries.length === 1 && entries[0][0].startsWith('$') ? entries[0] : undefined;
}

function equalTo(condition: unknown): { value: unknown } | undefined {
  const operator = soleOperator(condition);
  if (operator) return operator[0] === '$eq' ? { value: operator[1] } : undefined;
  return isPlainObject(condition) ? undefined : { value: condition };
}

/**
 * The row comparison a keyset cursor implies. "After the last row of a page sorted by f1..fk" is
 * `$or: [{f1: {$gt: v1}}, {f1: v1, f2: {$gt: v2}}, ..., {f1: v1, ..., fk: {$gt: vk}}]`; when each
 * branch goes to SQL as plain comparisons, every one implies `(f1, ..., fk) > (v1, ..., vk)` in
 * jsonb's order. Added beside the $or it changes no result, but PostgreSQL seeks a btree over those
 * fields to it instead of scanning from the start of the prefix, so a deep page costs a first one.
 */
export function keysetBound(branches: Query[], params: SqlParams, facts: FieldFacts): string | undefined {
  if (branches.length < 2) return undefined;
  const ordered = [...branches].sort((a, b) => Object.keys(a).length - Object.keys(b).length);
  const fields: string[] = [];
  const operands: string[] = [];
  let direction: '>' | '<' | undefined;
  let inclusive = false;
  for (const [i, branch] of ordered.entries()) {
    const keys = Object.keys(branch);
    const added = keys.filter((key) => !fields.includes(key));
    if (keys.length !== i + 1 || added.length !== 1 || inclusive) return undefined;
    const field = added[0];
    for (const [m, earlier] of fields.entries()) {
      const equal = equalTo(branch[earlier]);
      if (!equal || operandText(earlier, equal.value, facts) !== operands[m]) return undefined;
    }
    const range = soleOperator(branch[field]);
    if (!range || !isRangeOperator(range[0])) return undefined;
    const text = operandText(field, range[1], facts);
    const towards = range[0] === '$gt' || range[0] === '$gte' ? '>' : '<';
    if (text === undefined || (direction && direction !== towards)) return undefined;
    direction = towards;
    // Only the last branch may include its bound: (a >= x) says nothing about the columns after a.
    inclusive = range[0] === '$gte' || range[0] === '$lte';
    fields.push(field);
    operands.push(text);
  }
  const columns = fields.map((f) => (f === '_id' ? 'id' : `doc -> ${quoteLiteral(f)}`));
  const values = fields.map((f, m) => (f === '_id' ? params.add(operands[m]) : `${params.add(operands[m])}::jsonb`));
  return `(${columns.join(', ')}) ${direction}${inclusive ? '=' : ''} (${values.join(', ')})`;
}
