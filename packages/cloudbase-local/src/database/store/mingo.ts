// Pulls the mingo subpath declarations into every program that reaches the store (the preview's too).
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./mingo-modules.d.ts" />
/**
 * mingo (MongoDB semantics in JS) with every operator registered, plus the corrections below. mingo's
 * default entry point merges user operators under its own, so a replacement there never wins; this
 * module builds the context itself, with the fixed operators in place of mingo's, and exports Query,
 * Aggregator and update bound to it. Each fix names the MongoDB behaviour it restores.
 */
import { Aggregator as BaseAggregator } from 'mingo/aggregator';
import { Context } from 'mingo/core';
import * as accumulatorOperators from 'mingo/operators/accumulator';
import * as expressionOperators from 'mingo/operators/expression';
import * as pipelineOperators from 'mingo/operators/pipeline';
import * as projectionOperators from 'mingo/operators/projection';
import * as queryOperators from 'mingo/operators/query';
import * as windowOperators from 'mingo/operators/window';
import { Query as BaseQuery } from 'mingo/query';
import type { AnyObject, Options } from 'mingo/types';
import { update as baseUpdate } from 'mingo/updater';
import { isArray, isObject, resolve } from 'mingo/util';
import { expressionFixes } from './mingo-expressions';
import { geoQueryOperators } from './geo';
import { jsonSchemaValidator } from './jsonschema';

type QueryOperator = (selector: string, value: unknown, options: Options) => (doc: unknown) => boolean;

const LOGICAL = new Set(['$and', '$or', '$nor']);

/**
 * mingo 7.2.x tests `{$elemMatch: {value: {$gt: 0}}}` against scalar elements too, so `[1, 2, 3]`
 * matches; in MongoDB field conditions only ever match elements that are documents (or arrays),
 * and a condition of operators alone (`{$gt: 1}`) tests the elements themselves.
 */
function elementTest(criteria: unknown, options: Options): (element: unknown) => boolean {
  const spec = isObject(criteria) ? criteria : {};
  const keys = Object.keys(spec);
  const onValues = keys.length > 0 && keys.every((k) => k.startsWith('$') && !LOGICAL.has(k));
  const query = new BaseQuery(onValues ? { v: spec } : spec, options);
  return onValues
    ? (element) => query.test({ v: element })
    : (element) => (isObject(element) || isArray(element)) && query.test(element as AnyObject);
}

const $elemMatch: QueryOperator = (selector, criteria, options) => {
  const test = elementTest(criteria, options);
  return (doc) => {
    const value: unknown = resolve(doc as AnyObject, selector, { unwrapArray: true });
    return isArray(value) && value.some(test);
  };
};

/** The projection form (the first matching element only), with the same element rule. */
const projectElemMatch = (obj: AnyObject, criteria: unknown, field: string, options: Options): unknown => {
  const value: unknown = resolve(obj, field);
  if (!isArray(value)) return undefined;
  const found = value.find(elementTest(criteria, options));
  return found === undefined ? undefined : [found];
};

/** `$all: [{$elemMatch: ...}, ...]` goes through mingo's own (scalar-matching) $elemMatch; route it to the fixed one. */
const $all: QueryOperator = (selector, values, options) => {
  const original = queryOperators.$all as QueryOperator;
  if (!isArray(values) || !values.some((v) => isObject(v) && '$elemMatch' in v)) {
    return original(selector, values, options);
  }
  const parts = values.map((v) =>
    isObject(v) && '$elemMatch' in v ? $elemMatch(selector, v.$elemMatch, options) : original(selector, [v], options),
  );
  return (doc) => parts.every((part) => part(doc));
};

/** mingo computes `null % 2 === 0` (and `true % 2`), so `{'a.x': {$mod: [2, 0]}}` matched `{a: [{x: null}]}`; MongoDB's $mod matches numbers only. */
const $mod: QueryOperator = (selector, divisorRemainder, options) => {
  const [divisor, remainder] = isArray(divisorRemainder) ? divisorRemainder : [];
  const matches = (x: unknown) =>
    typeof x === 'number' &&
    typeof divisor === 'number' &&
    Number.isFinite(x) &&
    Math.trunc(x) % Math.trunc(divisor) === remainder;
  void options;
  return (doc) => {
    const value: unknown = resolve(doc as AnyObject, selector, { unwrapArray: true });
    return isArray(value) ? value.some(matches) : matches(value);
  };
};

const CONTEXT = Context.init({
  accumulator: accumulatorOperators,
  expression: { ...expressionOperators, ...expressionFixes },
  pipeline: pipelineOperators,
  projection: { ...projectionOperators, $elemMatch: projectElemMatch },
  query: { ...queryOperators, $elemMatch, $all, $mod, ...geoQueryOperators },
  window: windowOperators,
} as Parameters<typeof Context.init>[0]);

/**
 * Scripts ($where, $function, $accumulator) stay off: queries come from clients and must not run
 * code. $jsonSchema validates with Ajv (draft 4 plus MongoDB's bsonType).
 */
export const MINGO_OPTIONS: Partial<Options> = {
  scriptEnabled: false,
  context: CONTEXT,
  jsonSchemaValidator,
};

export class Query extends BaseQuery<AnyObject> {
  constructor(condition: AnyObject) {
    super(condition, MINGO_OPTIONS);
  }
}

export class Aggregator extends BaseAggregator {
  constructor(pipeline: AnyObject[], options: Partial<Options> = {}) {
    super(pipeline, { ...MINGO_OPTIONS, ...options });
  }
}

export function update(
  obj: AnyObject,
  modifier: AnyObject,
  condition: AnyObject,
  cloneMode: 'deep' | 'copy' | 'none' = 'deep',
): string[] {
  return baseUpdate(obj, modifier, undefined, condition, { cloneMode, queryOptions: MINGO_OPTIONS });
}
