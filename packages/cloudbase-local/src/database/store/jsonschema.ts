/**
 * `$jsonSchema` as MongoDB defines it: JSON Schema draft 4 plus the `bsonType` keyword, without
 * `$ref`, `$schema`, `default`, `definitions`, `format` and `id` (MongoDB refuses those), and without
 * the `integer` type (use bsonType int or long). Validated by Ajv's draft-04 build.
 */
import Ajv from 'ajv-draft-04';
import type { AnyObject } from 'mingo/types';
import { MingoError } from 'mingo/util';

const UNSUPPORTED = new Set(['$ref', '$schema', 'default', 'definitions', 'format', 'id']);
const INT32 = 2 ** 31;

/** How the SDK's canonical Extended JSON types each value ($numberInt below 2^31, $numberLong above, $numberDouble otherwise). */
const BSON_TYPES: Record<string, (value: unknown) => boolean> = {
  double: (v) => typeof v === 'number' && !Number.isInteger(v),
  int: (v) => typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < INT32,
  long: (v) => typeof v === 'number' && Number.isInteger(v) && Math.abs(v) >= INT32,
  number: (v) => typeof v === 'number',
  decimal: () => false,
  string: (v) => typeof v === 'string',
  object: (v) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof RegExp),
  array: (v) => Array.isArray(v),
  bool: (v) => typeof v === 'boolean',
  date: (v) => v instanceof Date,
  null: (v) => v === null,
  regex: (v) => v instanceof RegExp,
  binData: (v) => v instanceof Uint8Array,
  objectId: () => false,
  undefined: () => false,
  timestamp: () => false,
  javascript: () => false,
  minKey: () => false,
  maxKey: () => false,
};

function checkSchema(schema: unknown, path: string): void {
  if (Array.isArray(schema)) {
    schema.forEach((item, i) => checkSchema(item, `${path}.${i}`));
    return;
  }
  if (typeof schema !== 'object' || schema === null) return;
  for (const [key, value] of Object.entries(schema)) {
    // Names under `properties`/`patternProperties` are field names, not keywords.
    const namesField = path.endsWith('.properties') || path.endsWith('.patternProperties');
    if (!namesField) {
      if (UNSUPPORTED.has(key)) throw new MingoError(`$jsonSchema keyword '${key}' is not currently supported`);
      if (key === 'type' && (value === 'integer' || (Array.isArray(value) && value.includes('integer')))) {
        throw new MingoError(`$jsonSchema type 'integer' is not currently supported (use bsonType)`);
      }
      if (key === 'bsonType') {
        const names = Array.isArray(value) ? value : [value];
        const unknown = names.find((n) => typeof n !== 'string' || !(n in BSON_TYPES));
        if (unknown !== undefined) throw new MingoError(`$jsonSchema: unknown bsonType '${String(unknown)}'`);
      }
    }
    checkSchema(value, `${path}.${key}`);
  }
}

const ajv = new Ajv({ strict: false, allErrors: false, validateSchema: true });
ajv.addKeyword({
  keyword: 'bsonType',
  validate: (types: string | string[], value: unknown) =>
    (Array.isArray(types) ? types : [types]).some((t) => BSON_TYPES[t](value)),
});

const compiled = new Map<string, (doc: AnyObject) => boolean>();

/** mingo's jsonSchemaValidator hook; a schema is compiled once per distinct text. */
export function jsonSchemaValidator(schema: AnyObject): (doc: AnyObject) => boolean {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    checkSchema(schema, '');
    let fn: ReturnType<Ajv['compile']>;
    try {
      fn = ajv.compile(schema);
    } catch (error) {
      throw new MingoError(`invalid $jsonSchema: ${error instanceof Error ? error.message : String(error)}`);
    }
    validate = (doc) => fn(doc) === true;
    if (compiled.size > 256) compiled.clear();
    compiled.set(key, validate);
  }
  return validate;
}
