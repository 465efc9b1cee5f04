import type {
  Doc,
  DocumentStore,
  FindOptions,
  Query,
  Update,
  UpdateOptions,
} from '../../../packages/cloudbase-local/src/database/store';
import { ACCUMULATOR_CASES, EXPRESSION_CASES, OPERATOR_DOC } from './conformance-operators';
import { defineGeoCases } from './conformance-geo';
import { OPEN_TIMEOUT_MS, errorCode, freshName } from './db';

/**
 * MongoDB behaviour the store must reproduce, with the results MongoDB gives written out. Defined
 * once and run against every backend (PGlite, and PostgreSQL when one is reachable).
 */

const d = (iso: string) => new Date(`${iso}T00:00:00Z`);

export const ITEMS: Doc[] = [
  {
    _id: 'a',
    name: 'apple',
    qty: 5,
    price: 1.5,
    tags: ['fruit', 'red'],
    dims: { h: 10, w: 5 },
    sold: true,
    at: d('2026-01-01'),
    notes: null,
    sizes: [
      { s: 'S', n: 1 },
      { s: 'M', n: 5 },
    ],
  },
  {
    _id: 'b',
    name: 'Banana',
    qty: 20,
    price: 0.25,
    tags: ['fruit', 'yellow'],
    dims: { h: 20, w: 3 },
    sold: false,
    at: d('2026-02-01'),
    sizes: [{ s: 'M', n: 2 }],
  },
  {
    _id: 'c',
    name: 'carrot',
    qty: 0,
    price: 0.1,
    tags: ['vegetable', 'orange'],
    dims: { h: 15, w: 2 },
    sold: true,
    at: d('2026-03-01'),
    notes: 'fresh',
  },
  {
    _id: 'd',
    name: 'date',
    qty: 12,
    price: 3,
    tags: [],
    sold: false,
    nested: { deep: { x: 1 } },
    matrix: [
      [1, 2],
      [3, 4],
    ],
  },
  {
    _id: 'e',
    name: 'eggplant',
    qty: 7,
    price: 2.75,
    tags: ['vegetable', 'purple', 'fruit'],
    dims: { h: 25, w: 8 },
    sold: true,
    at: d('2026-01-15'),
    scores: [85, 92, 78],
  },
  { _id: 'f', name: 'fig', qty: 3, tags: 'fruit', sold: null, scores: [60, 70] },
];

type QueryCase = [name: string, query: Query, expectedIds: string[], options?: FindOptions];

export const QUERY_CASES: QueryCase[] = [
  ['empty query: every document in natural order', {}, ['a', 'b', 'c', 'd', 'e', 'f']],
  ['implicit equality on a string', { name: 'apple' }, ['a']],
  ['$eq', { qty: { $eq: 20 } }, ['b']],
  ['$ne', { qty: { $ne: 5 } }, ['b', 'c', 'd', 'e', 'f']],
  ['$gt', { qty: { $gt: 5 } }, ['b', 'd', 'e']],
  ['$gte', { qty: { $gte: 7 } }, ['b', 'd', 'e']],
  ['$lt', { qty: { $lt: 5 } }, ['c', 'f']],
  ['$lte', { qty: { $lte: 5 } }, ['a', 'c', 'f']],
  ['$gt and $lt on one field', { qty: { $gt: 2, $lt: 10 } }, ['a', 'e', 'f']],
  ['$in', { qty: { $in: [0, 3, 99] } }, ['c', 'f']],
  ['$nin', { qty: { $nin: [0, 3] } }, ['a', 'b', 'd', 'e']],
  ['equality matches array elements and scalars', { tags: 'fruit' }, ['a', 'b', 'e', 'f']],
  ['whole-array equality', { tags: ['fruit', 'red'] }, ['a']],
  ['whole-array equality is order-sensitive', { tags: ['red', 'fruit'] }, []],
  ['$in over array elements', { tags: { $in: ['purple', 'yellow'] } }, ['b', 'e']],
  ['$all', { tags: { $all: ['fruit', 'vegetable'] } }, ['e']],
  ['$size 2', { tags: { $size: 2 } }, ['a', 'b', 'c']],
  ['$size 0', { tags: { $size: 0 } }, ['d']],
  ['nested path comparison', { 'dims.h': { $gte: 15 } }, ['b', 'c', 'e']],
  ['embedded document equality', { dims: { h: 10, w: 5 } }, ['a']],
  ['deep nested path', { 'nested.deep.x': 1 }, ['d']],
  ['null matches null and missing', { notes: null }, ['a', 'b', 'd', 'e', 'f']],
  ['$exists true', { notes: { $exists: true } }, ['a', 'c']],
  ['$exists false', { notes: { $exists: false } }, ['b', 'd', 'e', 'f']],
  ['$ne true includes null and false', { sold: { $ne: true } }, ['b', 'd', 'f']],
  ['$and', { $and: [{ sold: true }, { qty: { $gt: 4 } }] }, ['a', 'e']],
  ['$or', { $or: [{ qty: 0 }, { name: 'fig' }] }, ['c', 'f']],
  ['$nor', { $nor: [{ sold: true }, { qty: { $gt: 10 } }] }, ['f']],
  ['$not', { qty: { $not: { $gt: 5 } } }, ['a', 'c', 'f']],
  ['$mod', { qty: { $mod: [5, 0] } }, ['a', 'b', 'c']],
  ['regex literal with i flag', { name: /^b/i }, ['b']],
  ['$regex is case-sensitive by default', { name: { $regex: '^B' } }, ['b']],
  ['$regex with $options i', { name: { $regex: 'AN', $options: 'i' } }, ['b', 'e']],
  ['regex character class', { name: { $regex: '^[a-c]' } }, ['a', 'c']],
  ['$in with regexes', { name: { $in: [/^a/, /^f/] } }, ['a', 'f']],
  ['$not with a regex', { name: { $not: /a/ } }, ['f']],
  ['$elemMatch on documents', { sizes: { $elemMatch: { s: 'M', n: { $gt: 3 } } } }, ['a']],
  ['path into an array of documents', { 'sizes.s': 'M' }, ['a', 'b']],
  ['comparison through an array of documents', { 'sizes.n': { $gt: 4 } }, ['a']],
  ['$elemMatch on scalars', { scores: { $elemMatch: { $gte: 80, $lt: 90 } } }, ['e']],
  [
    '$elemMatch with a field condition never matches scalar elements',
    { scores: { $elemMatch: { v: { $gt: 0 } } } },
    [],
  ],
  ['$jsonSchema required', { $jsonSchema: { required: ['notes'] } }, ['a', 'c']],
  [
    '$jsonSchema bsonType int with minimum',
    { $jsonSchema: { properties: { qty: { bsonType: 'int', minimum: 10 } } } },
    ['b', 'd'],
  ],
  [
    '$jsonSchema bsonType double (3 is an int)',
    { $jsonSchema: { required: ['price'], properties: { price: { bsonType: 'double' } } } },
    ['a', 'b', 'c', 'e'],
  ],
  [
    '$jsonSchema array items and minItems',
    { $jsonSchema: { properties: { tags: { bsonType: 'array', items: { bsonType: 'string' }, minItems: 3 } } } },
    ['e'],
  ],
  [
    '$jsonSchema bsonType date',
    { $jsonSchema: { required: ['at'], properties: { at: { bsonType: 'date' } } } },
    ['a', 'b', 'c', 'e'],
  ],
  ['$jsonSchema next to field conditions', { sold: true, $jsonSchema: { required: ['scores'] } }, ['e']],
  ['comparison matches any element', { scores: { $gt: 90 } }, ['e']],
  ['range without $elemMatch may use different elements', { scores: { $gt: 65, $lt: 70 } }, ['f']],
  ['array index path', { 'tags.0': 'fruit' }, ['a', 'b']],
  ['array index path to an inner array', { 'matrix.1': [3, 4] }, ['d']],
  ['array of arrays matches an element array', { matrix: [1, 2] }, ['d']],
  ['date comparison', { at: { $gte: d('2026-01-15') } }, ['b', 'c', 'e']],
  ['date equality', { at: d('2026-02-01') }, ['b']],
  ['float comparison', { price: { $gt: 1 } }, ['a', 'd', 'e']],
  ['a range matches its operand type only: no number is $gt a string', { qty: { $gt: '5' } }, []],
  ['booleans order false before true; null is not a boolean', { sold: { $lt: true } }, ['b', 'd']],
  ['a date range with both bounds', { at: { $gt: d('2026-01-01'), $lt: d('2026-02-01') } }, ['e']],
  ['$or of ranges on two fields', { $or: [{ qty: { $gt: 15 } }, { price: { $lt: 0.2 } }] }, ['b', 'c']],
  [
    'a keyset cursor: the page after (qty 5, _id a) in (qty, _id) order',
    { $or: [{ qty: { $gt: 5 } }, { qty: 5, _id: { $gt: 'a' } }] },
    ['e', 'd', 'b'],
    {
      sort: [
        ['qty', 1],
        ['_id', 1],
      ],
      limit: 3,
    },
  ],
  ['integer equality on a number field', { price: 3 }, ['d']],
  ['_id equality', { _id: 'c' }, ['c']],
  ['_id $in keeps natural order', { _id: { $in: ['e', 'a', 'zz'] } }, ['a', 'e']],
  ['$type string', { notes: { $type: 'string' } }, ['c']],
  ['several equalities (pushed down)', { sold: true, qty: 5 }, ['a']],
  ['boolean false equality', { sold: false }, ['b', 'd']],
  ['$expr compares two fields', { price: { $exists: true }, $expr: { $gt: ['$qty', '$price'] } }, ['a', 'b', 'd', 'e']],
  ['sort ascending', {}, ['c', 'f', 'a', 'e', 'd', 'b'], { sort: [['qty', 1]] }],
  ['sort descending with limit', {}, ['b', 'd'], { sort: [['qty', -1]], limit: 2 }],
  ['strings sort bytewise (capitals first)', {}, ['b', 'a', 'c', 'd', 'e', 'f'], { sort: [['name', 1]] }],
  ['missing sorts first ascending', {}, ['f', 'c', 'b', 'a', 'e', 'd'], { sort: [['price', 1]] }],
  [
    'two sort keys, booleans then null last descending',
    {},
    ['c', 'a', 'e', 'd', 'b', 'f'],
    {
      sort: [
        ['sold', -1],
        ['qty', 1],
      ],
    },
  ],
  ['skip and limit after sort', {}, ['a', 'e'], { sort: [['qty', 1]], skip: 2, limit: 2 }],
  ['dates sort descending, missing last', {}, ['c', 'b', 'e', 'a', 'd', 'f'], { sort: [['at', -1]] }],
  ['sort by a nested path', { 'dims.h': { $exists: true } }, ['a', 'c', 'b', 'e'], { sort: [['dims.h', 1]] }],
  [
    'sort by an array field uses the smallest element',
    { scores: { $exists: true } },
    ['f', 'e'],
    { sort: [['scores', 1]] },
  ],
  ['sort with limit over a filtered query', { sold: true }, ['e', 'a'], { sort: [['qty', -1]], limit: 2 }],
  ['limit 0 means no limit', { sold: false }, ['b', 'd'], { limit: 0 }],
  ['skip past the end', {}, [], { skip: 10 }],
];

/** Arrays of embedded documents next to scalars, where mingo 7.2 disagreed with MongoDB. */
export const EMBEDDED: Doc[] = [
  { _id: 'e1', a: [1, 2, 3] },
  { _id: 'e2', a: [{ v: 1 }, { v: -1 }] },
  { _id: 'e3', a: [{ v: -5 }] },
  { _id: 'e4', a: [{ x: 1 }, { y: 2 }] },
  { _id: 'e5', a: [{ x: null }] },
  { _id: 'e6', a: [] },
  { _id: 'e7', a: [{ x: 4 }, { x: 5 }] },
  { _id: 'e8', a: [4, { x: 3 }] },
  { _id: 'e9', a: { x: 6 } },
];

export const EMBEDDED_CASES: Array<[name: string, query: Query, expectedIds: string[]]> = [
  [
    '$elemMatch with a field condition matches document elements only',
    { a: { $elemMatch: { v: { $gt: 0 } } } },
    ['e2'],
  ],
  ['$elemMatch with operators matches scalar elements', { a: { $elemMatch: { $gt: 2 } } }, ['e1', 'e8']],
  ['$all of $elemMatch', { a: { $all: [{ $elemMatch: { v: { $gt: 0 } } }] } }, ['e2']],
  ['$exists through an array of documents', { 'a.x': { $exists: true } }, ['e4', 'e5', 'e7', 'e8', 'e9']],
  ['$exists false through an array of documents', { 'a.x': { $exists: false } }, ['e1', 'e2', 'e3', 'e6']],
  ['$mod through an array of documents skips null', { 'a.x': { $mod: [2, 0] } }, ['e7', 'e9']],
  ['$mod over array elements matches numbers only', { a: { $mod: [2, 0] } }, ['e1', 'e8']],
];

type ProjectionCase = [name: string, query: Query, projection: FindOptions['projection'], expected: Doc[]];

export const PROJECTION_CASES: ProjectionCase[] = [
  ['inclusion keeps _id', { _id: 'a' }, { name: 1 }, [{ _id: 'a', name: 'apple' }]],
  ['inclusion without _id', { _id: 'a' }, { name: 1, _id: 0 }, [{ name: 'apple' }]],
  ['boolean inclusion', { _id: 'c' }, { qty: true, notes: true }, [{ _id: 'c', qty: 0, notes: 'fresh' }]],
  ['exclusion', { _id: 'f' }, { tags: 0, scores: 0 }, [{ _id: 'f', name: 'fig', qty: 3, sold: null }]],
  ['nested inclusion', { _id: 'a' }, { 'dims.h': 1 }, [{ _id: 'a', dims: { h: 10 } }]],
  ['$slice (db.command.project.slice)', { _id: 'e' }, { scores: { $slice: 2 } }, [{ _id: 'e', scores: [85, 92] }]],
  ['$slice with skip', { _id: 'e' }, { scores: { $slice: [-2, 1] }, _id: 0 }, [{ scores: [92] }]],
  [
    '$elemMatch (db.command.project.elemMatch) keeps the first match',
    { _id: 'a' },
    { sizes: { $elemMatch: { n: { $gt: 0 } } } },
    [{ _id: 'a', sizes: [{ s: 'S', n: 1 }] }],
  ],
  ['$elemMatch on values', { _id: 'e' }, { scores: { $elemMatch: { $lt: 90 } } }, [{ _id: 'e', scores: [85] }]],
  [
    '$elemMatch by field leaves out an array of scalars',
    { _id: 'e' },
    { scores: { $elemMatch: { v: 1 } } },
    [{ _id: 'e' }],
  ],
];

type UpdateCase = {
  name: string;
  docs: Doc[];
  query?: Query;
  update: Update;
  options?: UpdateOptions;
  result?: { matched: number; modified: number };
  expected: Doc[];
};

export const UPDATE_CASES: UpdateCase[] = [
  {
    name: '$set',
    docs: [{ _id: 'u', a: 1 }],
    update: { $set: { a: 2, b: 'x' } },
    expected: [{ _id: 'u', a: 2, b: 'x' }],
  },
  {
    name: '$set creates nested documents',
    docs: [{ _id: 'u' }],
    update: { $set: { 'x.y.z': 1 } },
    expected: [{ _id: 'u', x: { y: { z: 1 } } }],
  },
  {
    name: '$set through an array index',
    docs: [{ _id: 'u', items: [{ done: false }, { done: false }, { done: false }, { done: false }] }],
    update: { $set: { 'items.3.done': true } },
    expected: [{ _id: 'u', items: [{ done: false }, { done: false }, { done: false }, { done: true }] }],
  },
  {
    name: '$set a date and a regex',
    docs: [{ _id: 'u' }],
    update: { $set: { when: d('2026-05-05'), pattern: /ab+c/i } },
    expected: [{ _id: 'u', when: d('2026-05-05'), pattern: /ab+c/i }],
  },
  { name: '$unset', docs: [{ _id: 'u', a: 1, b: 2 }], update: { $unset: { b: '' } }, expected: [{ _id: 'u', a: 1 }] },
  {
    name: '$unset a nested field',
    docs: [{ _id: 'u', o: { p: 1, q: 2 } }],
    update: { $unset: { 'o.p': '' } },
    expected: [{ _id: 'u', o: { q: 2 } }],
  },
  {
    name: '$inc existing and missing fields',
    docs: [{ _id: 'u', n: 5 }],
    update: { $inc: { n: 2, m: 1 } },
    expected: [{ _id: 'u', n: 7, m: 1 }],
  },
  {
    name: '$inc by a float',
    docs: [{ _id: 'u', n: 1.5 }],
    update: { $inc: { n: -0.25 } },
    expected: [{ _id: 'u', n: 1.25 }],
  },
  {
    name: '$mul (a missing field becomes 0)',
    docs: [{ _id: 'u', n: 3 }],
    update: { $mul: { n: 4, z: 2 } },
    expected: [{ _id: 'u', n: 12, z: 0 }],
  },
  { name: '$min lowers', docs: [{ _id: 'u', lo: 5 }], update: { $min: { lo: 3 } }, expected: [{ _id: 'u', lo: 3 }] },
  {
    name: '$min keeps a smaller value',
    docs: [{ _id: 'u', lo: 5 }],
    update: { $min: { lo: 9 } },
    result: { matched: 1, modified: 0 },
    expected: [{ _id: 'u', lo: 5 }],
  },
  { name: '$max raises', docs: [{ _id: 'u', hi: 5 }], update: { $max: { hi: 10 } }, expected: [{ _id: 'u', hi: 10 }] },
  {
    name: '$max on dates',
    docs: [{ _id: 'u', seen: d('2026-01-01') }],
    update: { $max: { seen: d('2026-02-01') } },
    expected: [{ _id: 'u', seen: d('2026-02-01') }],
  },
  {
    name: '$rename moves the field to the end',
    docs: [{ _id: 'u', a: 1, b: 2 }],
    update: { $rename: { a: 'c' } },
    expected: [{ _id: 'u', b: 2, c: 1 }],
  },
  {
    name: '$rename out of a nested document',
    docs: [{ _id: 'u', o: { p: 1 } }],
    update: { $rename: { 'o.p': 'q' } },
    expected: [{ _id: 'u', o: {}, q: 1 }],
  },
  {
    name: '$push',
    docs: [{ _id: 'u', arr: [1] }],
    update: { $push: { arr: 2 } },
    expected: [{ _id: 'u', arr: [1, 2] }],
  },
  {
    name: '$push creates the array',
    docs: [{ _id: 'u' }],
    update: { $push: { arr: 'x' } },
    expected: [{ _id: 'u', arr: ['x'] }],
  },
  {
    name: '$push an array value pushes one element',
    docs: [{ _id: 'u', arr: [1] }],
    update: { $push: { arr: [2, 3] } },
    expected: [{ _id: 'u', arr: [1, [2, 3]] }],
  },
  {
    name: '$push $each',
    docs: [{ _id: 'u', arr: [1] }],
    update: { $push: { arr: { $each: [2, 3] } } },
    expected: [{ _id: 'u', arr: [1, 2, 3] }],
  },
  {
    name: '$push $position',
    docs: [{ _id: 'u', arr: [1, 2] }],
    update: { $push: { arr: { $each: [0], $position: 0 } } },
    expected: [{ _id: 'u', arr: [0, 1, 2] }],
  },
  {
    name: '$push $slice keeps the last elements',
    docs: [{ _id: 'u', arr: [1, 2, 3] }],
    update: { $push: { arr: { $each: [4], $slice: -2 } } },
    expected: [{ _id: 'u', arr: [3, 4] }],
  },
  {
    name: '$push $sort',
    docs: [{ _id: 'u', arr: [3, 1] }],
    update: { $push: { arr: { $each: [2], $sort: 1 } } },
    expected: [{ _id: 'u', arr: [1, 2, 3] }],
  },
  {
    name: '$push $sort by field with $slice',
    docs: [{ _id: 'u', arr: [{ s: 3 }, { s: 1 }] }],
    update: { $push: { arr: { $each: [{ s: 2 }], $sort: { s: -1 }, $slice: 2 } } },
    expected: [{ _id: 'u', arr: [{ s: 3 }, { s: 2 }] }],
  },
  {
    name: '$pop last',
    docs: [{ _id: 'u', arr: [1, 2, 3] }],
    update: { $pop: { arr: 1 } },
    expected: [{ _id: 'u', arr: [1, 2] }],
  },
  {
    name: '$pop first',
    docs: [{ _id: 'u', arr: [1, 2, 3] }],
    update: { $pop: { arr: -1 } },
    expected: [{ _id: 'u', arr: [2, 3] }],
  },
  {
    name: '$pull a value (every occurrence)',
    docs: [{ _id: 'u', arr: [1, 2, 3, 2] }],
    update: { $pull: { arr: 2 } },
    expected: [{ _id: 'u', arr: [1, 3] }],
  },
  {
    name: '$pull by condition',
    docs: [{ _id: 'u', arr: [1, 5, 10] }],
    update: { $pull: { arr: { $gte: 5 } } },
    expected: [{ _id: 'u', arr: [1] }],
  },
  {
    name: '$pull documents matching a query',
    docs: [
      {
        _id: 'u',
        arr: [
          { k: 1, v: 'a' },
          { k: 2, v: 'b' },
        ],
      },
    ],
    update: { $pull: { arr: { k: 2 } } },
    expected: [{ _id: 'u', arr: [{ k: 1, v: 'a' }] }],
  },
  {
    name: '$pullAll',
    docs: [{ _id: 'u', arr: [1, 2, 3, 1] }],
    update: { $pullAll: { arr: [1, 3] } },
    expected: [{ _id: 'u', arr: [2] }],
  },
  {
    name: '$addToSet a new value',
    docs: [{ _id: 'u', arr: [1, 2] }],
    update: { $addToSet: { arr: 3 } },
    expected: [{ _id: 'u', arr: [1, 2, 3] }],
  },
  {
    name: '$addToSet an existing value changes nothing',
    docs: [{ _id: 'u', arr: [1, 2] }],
    update: { $addToSet: { arr: 2 } },
    result: { matched: 1, modified: 0 },
    expected: [{ _id: 'u', arr: [1, 2] }],
  },
  {
    name: '$addToSet next to existing duplicates (mingo drops it)',
    docs: [{ _id: 'u', arr: [1, 1] }],
    update: { $addToSet: { arr: 2 } },
    result: { matched: 1, modified: 1 },
    expected: [{ _id: 'u', arr: [1, 1, 2] }],
  },
  {
    name: '$addToSet keeps existing duplicates (mingo drops the update)',
    docs: [{ _id: 'u', arr: [1, 1, 2] }],
    update: { $addToSet: { arr: 3 } },
    expected: [{ _id: 'u', arr: [1, 1, 2, 3] }],
  },
  {
    name: '$addToSet $each on a missing field deduplicates (mingo keeps both)',
    docs: [{ _id: 'u' }],
    update: { $addToSet: { arr: { $each: [1, 1, 2] } } },
    expected: [{ _id: 'u', arr: [1, 2] }],
  },
  {
    name: '$addToSet $each adds only new values once',
    docs: [{ _id: 'u', arr: ['a', 'b'] }],
    update: { $addToSet: { arr: { $each: ['b', 'c', 'c'] } } },
    expected: [{ _id: 'u', arr: ['a', 'b', 'c'] }],
  },
  {
    name: '$addToSet compares documents field by field in order',
    docs: [{ _id: 'u', arr: [{ x: 1, y: 2 }] }],
    update: { $addToSet: { arr: { y: 2, x: 1 } } },
    expected: [
      {
        _id: 'u',
        arr: [
          { x: 1, y: 2 },
          { y: 2, x: 1 },
        ],
      },
    ],
  },
  {
    name: '$addToSet an array value',
    docs: [{ _id: 'u', arr: [[1]] }],
    update: { $addToSet: { arr: [2] } },
    expected: [{ _id: 'u', arr: [[1], [2]] }],
  },
  {
    name: '$addToSet on a nested path',
    docs: [{ _id: 'u', o: { tags: ['a'] } }],
    update: { $addToSet: { 'o.tags': 'b' } },
    expected: [{ _id: 'u', o: { tags: ['a', 'b'] } }],
  },
  {
    name: 'several operators at once',
    docs: [{ _id: 'u', n: 1, arr: [] }],
    update: { $set: { s: 'x' }, $inc: { n: 1 }, $push: { arr: 'y' } },
    expected: [{ _id: 'u', n: 2, arr: ['y'], s: 'x' }],
  },
  {
    name: 'replace keeps _id',
    docs: [{ _id: 'u', a: 1, b: 2 }],
    update: { c: 3 },
    options: { replace: true },
    expected: [{ _id: 'u', c: 3 }],
  },
  {
    name: 'replace may repeat the same _id',
    docs: [{ _id: 'u', a: 1 }],
    update: { _id: 'u', b: 2 },
    options: { replace: true },
    expected: [{ _id: 'u', b: 2 }],
  },
  {
    name: 'multi:false touches the first match only',
    docs: [
      { _id: 'u1', g: 1 },
      { _id: 'u2', g: 1 },
    ],
    query: { g: 1 },
    update: { $set: { hit: true } },
    options: { multi: false },
    result: { matched: 1, modified: 1 },
    expected: [
      { _id: 'u1', g: 1, hit: true },
      { _id: 'u2', g: 1 },
    ],
  },
  {
    name: 'multi by default touches every match',
    docs: [
      { _id: 'u1', g: 1 },
      { _id: 'u2', g: 1, hit: true },
      { _id: 'u3', g: 2 },
    ],
    query: { g: 1 },
    update: { $set: { hit: true } },
    result: { matched: 2, modified: 1 },
    expected: [
      { _id: 'u1', g: 1, hit: true },
      { _id: 'u2', g: 1, hit: true },
      { _id: 'u3', g: 2 },
    ],
  },
  {
    name: 'positional $ updates the matched element',
    docs: [
      {
        _id: 'u',
        items: [
          { k: 1, v: 0 },
          { k: 2, v: 0 },
        ],
      },
    ],
    query: { 'items.k': 2 },
    update: { $set: { 'items.$.v': 9 } },
    expected: [
      {
        _id: 'u',
        items: [
          { k: 1, v: 0 },
          { k: 2, v: 9 },
        ],
      },
    ],
  },
  {
    name: '$[] updates every element',
    docs: [{ _id: 'u', items: [{ v: 1 }, { v: 2 }] }],
    update: { $inc: { 'items.$[].v': 10 } },
    expected: [{ _id: 'u', items: [{ v: 11 }, { v: 12 }] }],
  },
  {
    name: 'upsert inserts the query equalities plus the update',
    docs: [{ _id: 'u', name: 'old' }],
    query: { _id: 'n', name: 'new', 'meta.k': 1, rank: { $gt: 1 } },
    update: { $set: { v: 1 }, $setOnInsert: { created: true } },
    options: { upsert: true },
    result: { matched: 0, modified: 0 },
    expected: [
      { _id: 'u', name: 'old' },
      { _id: 'n', name: 'new', meta: { k: 1 }, v: 1, created: true },
    ],
  },
  {
    name: 'upsert that matches updates and skips $setOnInsert',
    docs: [{ _id: 'u', name: 'old' }],
    query: { name: 'old' },
    update: { $set: { v: 2 }, $setOnInsert: { created: true } },
    options: { upsert: true },
    result: { matched: 1, modified: 1 },
    expected: [{ _id: 'u', name: 'old', v: 2 }],
  },
];

type ErrorCase = [name: string, run: (store: DocumentStore, collection: string) => Promise<unknown>, code: string];

export const ERROR_CASES: ErrorCase[] = [
  ['unknown query operator', (s, c) => s.find(c, { a: { $foo: 1 } }), 'INVALID_PARAM'],
  ['$in needs an array', (s, c) => s.find(c, { a: { $in: 5 } }), 'INVALID_PARAM'],
  ['$and needs a non-empty array', (s, c) => s.find(c, { $and: [] }), 'INVALID_PARAM'],
  ['$where is refused', (s, c) => s.find(c, { $where: 'this.a > 1' }), 'INVALID_PARAM'],
  ['invalid regex', (s, c) => s.find(c, { a: { $regex: '(' } }), 'INVALID_PARAM'],
  ['unsupported regex option', (s, c) => s.find(c, { a: { $regex: 'x', $options: 'x' } }), 'INVALID_PARAM'],
  ['negative skip', (s, c) => s.find(c, {}, { skip: -1 }), 'INVALID_PARAM'],
  ['$jsonSchema keyword MongoDB refuses', (s, c) => s.find(c, { $jsonSchema: { format: 'email' } }), 'INVALID_PARAM'],
  [
    '$jsonSchema type integer',
    (s, c) => s.find(c, { $jsonSchema: { properties: { n: { type: 'integer' } } } }),
    'INVALID_PARAM',
  ],
  ['$jsonSchema unknown bsonType', (s, c) => s.find(c, { $jsonSchema: { bsonType: 'float' } }), 'INVALID_PARAM'],
  ['$text (no text index)', (s, c) => s.find(c, { $text: { $search: 'x' } }), 'NOT_SUPPORTED'],
  ['$meta (text score)', (s, c) => s.aggregate(c, [{ $project: { score: { $meta: 'textScore' } } }]), 'NOT_SUPPORTED'],
  ['unknown update operator', (s, c) => s.update(c, {}, { $foo: { a: 1 } }), 'INVALID_PARAM'],
  ['fields without operators', (s, c) => s.update(c, {}, { a: 1 }), 'INVALID_PARAM'],
  ['$inc with a string', (s, c) => s.update(c, {}, { $inc: { n: 'x' } }), 'INVALID_PARAM'],
  ['$inc on a string field', (s, c) => s.update(c, {}, { $inc: { s: 1 } }), 'INVALID_PARAM'],
  ['$push on a non-array', (s, c) => s.update(c, {}, { $push: { n: 1 } }), 'INVALID_PARAM'],
  ['$addToSet on a non-array', (s, c) => s.update(c, {}, { $addToSet: { s: 1 } }), 'INVALID_PARAM'],
  ['$pop needs 1 or -1', (s, c) => s.update(c, {}, { $pop: { arr: 2 } }), 'INVALID_PARAM'],
  ['$set _id', (s, c) => s.update(c, {}, { $set: { _id: 'x' } }), 'INVALID_PARAM'],
  ['conflicting paths', (s, c) => s.update(c, {}, { $set: { n: 1 }, $inc: { n: 1 } }), 'INVALID_PARAM'],
  ['parent and child paths', (s, c) => s.update(c, {}, { $set: { o: {}, 'o.p': 1 } }), 'INVALID_PARAM'],
  ['field inside a scalar', (s, c) => s.update(c, {}, { $set: { 's.x': 1 } }), 'INVALID_PARAM'],
  ['replace changing _id', (s, c) => s.update(c, {}, { _id: 'other', a: 1 }, { replace: true }), 'INVALID_PARAM'],
  ['replace with operators', (s, c) => s.update(c, {}, { $set: { a: 1 } }, { replace: true }), 'INVALID_PARAM'],
  ['$-prefixed stored field', (s, c) => s.insert(c, [{ $bad: 1 }]), 'INVALID_PARAM'],
  ['an array as _id', (s, c) => s.insert(c, [{ _id: [1, 2] }]), 'INVALID_PARAM'],
  ['a regex as _id', (s, c) => s.insert(c, [{ _id: /x/ }]), 'INVALID_PARAM'],
  ['a field name holding NUL', (s, c) => s.insert(c, [{ 'a\u0000b': 1 }]), 'INVALID_PARAM'],
  ['duplicate _id', (s, c) => s.insert(c, [{ _id: 'x' }]), 'DATABASE_DUPLICATE_WRITE'],
  ['unknown pipeline stage', (s, c) => s.aggregate(c, [{ $foo: {} }]), 'INVALID_PARAM'],
  ['$out stage', (s, c) => s.aggregate(c, [{ $out: 'copy' }]), 'NOT_SUPPORTED'],
  ['find on a missing collection', (s) => s.find('missing_coll', {}), 'DATABASE_COLLECTION_NOT_EXIST'],
  ['count on a missing collection', (s) => s.count('missing_coll', {}), 'DATABASE_COLLECTION_NOT_EXIST'],
  [
    'update on a missing collection',
    (s) => s.update('missing_coll', {}, { $set: { a: 1 } }),
    'DATABASE_COLLECTION_NOT_EXIST',
  ],
  ['remove on a missing collection', (s) => s.remove('missing_coll', {}), 'DATABASE_COLLECTION_NOT_EXIST'],
  ['aggregate on a missing collection', (s) => s.aggregate('missing_coll', []), 'DATABASE_COLLECTION_NOT_EXIST'],
  ['drop a missing collection', (s) => s.dropCollection('missing_coll'), 'DATABASE_COLLECTION_NOT_EXIST'],
  ['create an existing collection', (s, c) => s.createCollection(c), 'DATABASE_COLLECTION_ALREADY_EXIST'],
];

const ORDERS: Doc[] = [
  {
    _id: 'o1',
    cust: 'c1',
    items: [
      { sku: 'x', q: 2 },
      { sku: 'y', q: 1 },
    ],
    total: 30,
    status: 'paid',
  },
  { _id: 'o2', cust: 'c2', items: [{ sku: 'x', q: 1 }], total: 10, status: 'open' },
  { _id: 'o3', cust: 'c1', items: [], total: 5, status: 'paid' },
];
const CUSTOMERS: Doc[] = [
  { _id: 'c1', name: 'Ann' },
  { _id: 'c2', name: 'Bo' },
];

type AggregateCase = [name: string, pipeline: Record<string, unknown>[], expected: Doc[]];

export const AGGREGATE_CASES: AggregateCase[] = [
  [
    '$match + $group + $sort',
    [{ $match: { status: 'paid' } }, { $group: { _id: '$cust', sum: { $sum: '$total' } } }, { $sort: { _id: 1 } }],
    [{ _id: 'c1', sum: 35 }],
  ],
  [
    '$group accumulators',
    [
      {
        $group: {
          _id: '$status',
          n: { $sum: 1 },
          avg: { $avg: '$total' },
          max: { $max: '$total' },
          ids: { $push: '$_id' },
        },
      },
      { $sort: { _id: 1 } },
    ],
    [
      { _id: 'open', n: 1, avg: 10, max: 10, ids: ['o2'] },
      { _id: 'paid', n: 2, avg: 17.5, max: 30, ids: ['o1', 'o3'] },
    ],
  ],
  [
    '$project with an expression',
    [{ $project: { double: { $multiply: ['$total', 2] } } }],
    [
      { _id: 'o1', double: 60 },
      { _id: 'o2', double: 20 },
      { _id: 'o3', double: 10 },
    ],
  ],
  [
    '$sort + $skip + $limit',
    [{ $sort: { total: -1 } }, { $skip: 1 }, { $limit: 1 }, { $project: { _id: 1 } }],
    [{ _id: 'o2' }],
  ],
  [
    '$unwind',
    [{ $unwind: '$items' }, { $project: { sku: '$items.sku' } }],
    [
      { _id: 'o1', sku: 'x' },
      { _id: 'o1', sku: 'y' },
      { _id: 'o2', sku: 'x' },
    ],
  ],
  [
    '$unwind preserving empty arrays',
    [{ $unwind: { path: '$items', preserveNullAndEmptyArrays: true } }, { $count: 'n' }],
    [{ n: 4 }],
  ],
  [
    '$lookup from another collection',
    [
      { $lookup: { from: 'customers', localField: 'cust', foreignField: '_id', as: 'customer' } },
      { $project: { who: { $arrayElemAt: ['$customer.name', 0] } } },
    ],
    [
      { _id: 'o1', who: 'Ann' },
      { _id: 'o2', who: 'Bo' },
      { _id: 'o3', who: 'Ann' },
    ],
  ],
  ['$count', [{ $match: { status: 'paid' } }, { $count: 'paid' }], [{ paid: 2 }]],
  [
    '$addFields',
    [{ $match: { _id: 'o2' } }, { $addFields: { big: { $gt: ['$total', 20] } } }, { $project: { items: 0 } }],
    [{ _id: 'o2', cust: 'c2', total: 10, status: 'open', big: false }],
  ],
  [
    '$replaceRoot',
    [{ $unwind: '$items' }, { $replaceRoot: { newRoot: '$items' } }],
    [
      { sku: 'x', q: 2 },
      { sku: 'y', q: 1 },
      { sku: 'x', q: 1 },
    ],
  ],
  [
    '$bucket',
    [{ $bucket: { groupBy: '$total', boundaries: [0, 10, 50], default: 'other', output: { n: { $sum: 1 } } } }],
    [
      { _id: 0, n: 1 },
      { _id: 10, n: 2 },
    ],
  ],
  [
    '$bucketAuto',
    [{ $bucketAuto: { groupBy: '$total', buckets: 2 } }],
    [
      { _id: { min: 5, max: 30 }, count: 2 },
      { _id: { min: 30, max: 30 }, count: 1 },
    ],
  ],
  [
    '$sortByCount',
    [{ $sortByCount: '$status' }],
    [
      { _id: 'paid', count: 2 },
      { _id: 'open', count: 1 },
    ],
  ],
  [
    '$group over unwound items',
    [{ $unwind: '$items' }, { $group: { _id: '$items.sku', q: { $sum: '$items.q' } } }, { $sort: { _id: 1 } }],
    [
      { _id: 'x', q: 3 },
      { _id: 'y', q: 1 },
    ],
  ],
];

async function seed(store: DocumentStore, docs: Doc[], prefix: string): Promise<string> {
  const name = freshName(prefix);
  await store.insert(name, docs);
  return name;
}

export function defineConformanceSuite(label: string, open: () => Promise<DocumentStore>): void {
  describe(`document store conformance (${label})`, () => {
    let store: DocumentStore;
    let items: string;

    beforeAll(async () => {
      store = await open();
      items = await seed(store, ITEMS, 'items');
      await store.insert('customers', CUSTOMERS);
      await store.insert('orders', ORDERS);
    }, OPEN_TIMEOUT_MS);

    afterAll(() => store?.close());

    describe('queries', () => {
      // Objects, not rows: a row without options would make Jest read the 4th parameter as `done`.
      const cases = QUERY_CASES.map(([name, query, expectedIds, options]) => ({ name, query, expectedIds, options }));
      test.each(cases)('$name', async ({ query, expectedIds, options }) => {
        const docs = await store.find(items, query, options);
        expect(docs.map((doc) => doc._id)).toEqual(expectedIds);
      });

      test('documents round-trip exactly (dates, regexes, nesting, numbers, null, field order)', async () => {
        const [doc] = await store.find(items, { _id: 'a' });
        expect(doc).toEqual(ITEMS[0]);
        expect(Object.keys(doc)).toEqual(Object.keys(ITEMS[0]));
        expect(doc.at).toBeInstanceOf(Date);
      });

      test('count', async () => {
        expect(await store.count(items, {})).toBe(6);
        expect(await store.count(items, { tags: 'fruit' })).toBe(4);
        expect(await store.count(items, { qty: { $gt: 5 } })).toBe(3);
      });
    });

    describe('arrays of embedded documents', () => {
      let embedded: string;
      beforeAll(async () => {
        embedded = await seed(store, EMBEDDED, 'embedded');
      });
      test.each(EMBEDDED_CASES)('%s', async (_name, query, expectedIds) => {
        expect((await store.find(embedded, query)).map((doc) => doc._id)).toEqual(expectedIds);
        expect(await store.count(embedded, query)).toBe(expectedIds.length);
      });
    });

    defineGeoCases(() => store);

    describe('values as MongoDB stores them', () => {
      test('NUL stays in strings; a lone surrogate becomes U+FFFD (UTF-8 cannot hold it); both read back alike', async () => {
        const name = freshName('text');
        const doc = {
          _id: 's1',
          title: 'a\u0000b',
          note: 'x\ud800y',
          tail: '\udfff',
          list: ['\u0000', 'ok'],
          o: { t: 'end\u0000' },
        };
        await store.insert(name, [doc, { _id: 's2', title: 'plain' }]);
        const stored = { ...doc, note: 'x\ufffdy', tail: '\ufffd' };
        expect(await store.find(name, { _id: 's1' })).toEqual([stored]);
        expect((await store.find(name, { title: 'a\u0000b' })).map((d) => d._id)).toEqual(['s1']);
        expect((await store.find(name, { note: 'x\ud800y' })).map((d) => d._id)).toEqual(['s1']);
        expect((await store.find(name, { list: '\u0000' })).map((d) => d._id)).toEqual(['s1']);
        expect((await store.find(name, { title: /^a.b$/ })).map((d) => d._id)).toEqual(['s1']);
        expect((await store.find(name, {}, { sort: [['title', 1]] })).map((d) => d._id)).toEqual(['s1', 's2']);
        await store.update(name, { _id: 's2' }, { $set: { title: '\u0000\u0000' } });
        expect(await store.count(name, { title: '\u0000\u0000' })).toBe(1);
      });

      test('_id of every type MongoDB allows: found by equality, sorted in type order, upserted', async () => {
        const name = freshName('anyid');
        const when = new Date('2026-01-01T00:00:00Z');
        const docs = [
          { _id: 'text', v: 1 },
          { _id: 2.5, v: 2 },
          { _id: { a: 1, b: 2 }, v: 3 },
          { _id: true, v: 4 },
          { _id: when, v: 5 },
          { _id: null, v: 6 },
          { _id: 'nul\u0000id', v: 7 },
          { _id: '', v: 8 },
        ];
        expect(await store.insert(name, docs)).toEqual(docs.map((d) => d._id));
        for (const doc of docs) expect(await store.find(name, { _id: doc._id })).toEqual([doc]);
        expect(await store.find(name, { _id: { b: 2, a: 1 } })).toEqual([]);
        expect((await store.find(name, {}, { sort: [['_id', 1]] })).map((d) => d.v)).toEqual([6, 2, 8, 7, 1, 3, 4, 5]);
        const result = await store.update(name, { _id: 42 }, { $set: { v: 9 } }, { upsert: true });
        expect(result.upsertedId).toBe(42);
        expect(await store.find(name, { _id: { $in: [42, 2.5] } })).toEqual([
          { _id: 2.5, v: 2 },
          { _id: 42, v: 9 },
        ]);
        expect(await store.remove(name, { _id: { a: 1, b: 2 } })).toBe(1);
      });
    });

    describe('projection', () => {
      test.each(PROJECTION_CASES)('%s', async (_name, query, projection, expected) => {
        const found = await store.find(items, query, { projection });
        expect(found).toEqual(expected);
        // MongoDB keeps the document's field order, _id first.
        expect(found.map((doc) => Object.keys(doc))).toEqual(expected.map((doc) => Object.keys(doc)));
      });
    });

    describe('updates', () => {
      test.each(UPDATE_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
        const name = await seed(store, c.docs, 'upd');
        const result = await store.update(name, c.query ?? {}, c.update, c.options);
        if (c.result) expect({ matched: result.matched, modified: result.modified }).toEqual(c.result);
        const after = await store.find(name, {});
        expect(after).toEqual(c.expected);
        for (const doc of after)
          expect(Object.keys(doc)).toEqual(Object.keys(c.expected.find((e) => e._id === doc._id)!));
      });

      test('upsert without _id generates a 32-hex id', async () => {
        const name = await seed(store, [{ _id: 'u' }], 'upd');
        const result = await store.update(name, { k: 'v' }, { $set: { n: 1 } }, { upsert: true });
        expect(result.upsertedId).toMatch(/^[0-9a-f]{32}$/);
        expect(await store.find(name, { _id: result.upsertedId })).toEqual([{ _id: result.upsertedId, k: 'v', n: 1 }]);
      });

      test('upsert creates the collection', async () => {
        const name = freshName('upsert');
        await store.update(name, { _id: 'x' }, { $set: { n: 1 } }, { upsert: true });
        expect(await store.find(name, {})).toEqual([{ _id: 'x', n: 1 }]);
      });

      test('$currentDate stores the current time as a Date', async () => {
        const name = await seed(store, [{ _id: 'u' }], 'upd');
        const before = Date.now();
        await store.update(name, {}, { $currentDate: { touched: true } });
        const [doc] = await store.find(name, {});
        expect(doc.touched).toBeInstanceOf(Date);
        expect((doc.touched as Date).getTime()).toBeGreaterThanOrEqual(before);
      });

      test('findOneAndUpdate returns the document after the update', async () => {
        const name = await seed(
          store,
          [
            { _id: 'x', n: 1 },
            { _id: 'y', n: 1 },
          ],
          'fou',
        );
        expect(await store.findOneAndUpdate(name, { n: 1 }, { $inc: { n: 1 } })).toEqual({ _id: 'x', n: 2 });
        expect(await store.find(name, {})).toEqual([
          { _id: 'x', n: 2 },
          { _id: 'y', n: 1 },
        ]);
        expect(await store.findOneAndUpdate(name, { n: 99 }, { $inc: { n: 1 } })).toBeNull();
        expect(await store.findOneAndUpdate(name, { _id: 'z' }, { $set: { n: 5 } }, { upsert: true })).toEqual({
          _id: 'z',
          n: 5,
        });
      });

      test('remove with multi:false removes the first match only', async () => {
        const name = await seed(
          store,
          [
            { _id: 'x', g: 1 },
            { _id: 'y', g: 1 },
            { _id: 'z', g: 2 },
          ],
          'rm',
        );
        expect(await store.remove(name, { g: 1 }, { multi: false })).toBe(1);
        expect((await store.find(name, {})).map((doc) => doc._id)).toEqual(['y', 'z']);
        expect(await store.remove(name, { g: { $gte: 1 } })).toBe(2);
        expect(await store.find(name, {})).toEqual([]);
      });
    });

    describe('aggregation', () => {
      test.each(AGGREGATE_CASES)('%s', async (_name, pipeline, expected) => {
        expect(await store.aggregate('orders', pipeline)).toEqual(expected);
      });

      describe('every operator of the aggregate guide', () => {
        let one: string;
        beforeAll(async () => {
          one = await seed(store, [OPERATOR_DOC], 'ops');
        });
        test.each(EXPRESSION_CASES)('%s', async (_name, expression, expected) => {
          expect(await store.aggregate(one, [{ $project: { _id: 0, r: expression } }])).toEqual([{ r: expected }]);
        });
        test.each(ACCUMULATOR_CASES)('accumulator %s', async (operator, expected) => {
          const name = await seed(
            store,
            [1, 2, 3, 4].map((v) => ({ v })),
            'acc',
          );
          const [result] = await store.aggregate(name, [{ $group: { _id: null, r: { [operator]: '$v' } } }]);
          // MongoDB leaves $addToSet's order unspecified.
          const value = operator === '$addToSet' ? [...(result.r as number[])].sort() : result.r;
          expect(value).toEqual(expected);
        });
      });

      test('$sample returns distinct documents of the collection', async () => {
        const sample = await store.aggregate('orders', [{ $sample: { size: 2 } }]);
        expect(sample).toHaveLength(2);
        expect(new Set(sample.map((doc) => doc._id)).size).toBe(2);
        for (const doc of sample) expect(ORDERS).toContainEqual(doc);
      });
    });

    describe('errors', () => {
      test.each(ERROR_CASES)('%s', async (_name, run, code) => {
        const name = await seed(store, [{ _id: 'x', n: 1, s: 'str', arr: [1] }], 'err');
        expect(await errorCode(run(store, name))).toBe(code);
        // Nothing was written by the failed call.
        expect(await store.find(name, {})).toEqual([{ _id: 'x', n: 1, s: 'str', arr: [1] }]);
      });
    });

    describe('collections', () => {
      test('created on first insert, listed, created explicitly, dropped', async () => {
        const name = freshName('coll');
        expect(await store.listCollections()).not.toContain(name);
        const [id] = await store.insert(name, [{ a: 1 }]);
        expect(id).toMatch(/^[0-9a-f]{32}$/);
        expect(await store.listCollections()).toContain(name);
        const empty = freshName('empty');
        await store.createCollection(empty);
        expect(await store.find(empty, {})).toEqual([]);
        await store.dropCollection(name);
        expect(await store.listCollections()).not.toContain(name);
        expect(await errorCode(store.find(name, {}))).toBe('DATABASE_COLLECTION_NOT_EXIST');
      });

      test('equality pushdown still finds documents after a field starts holding arrays', async () => {
        const name = await seed(
          store,
          [
            { _id: 'p1', code: 'x1' },
            { _id: 'p2', code: 'x2' },
          ],
          'push',
        );
        expect((await store.find(name, { code: 'x2' })).map((doc) => doc._id)).toEqual(['p2']);
        await store.insert(name, [{ _id: 'p3', code: ['x0', 'x2'] }]);
        expect((await store.find(name, { code: 'x2' })).map((doc) => doc._id)).toEqual(['p2', 'p3']);
        expect(await store.count(name, { code: { $in: ['x0', 'x1'] } })).toBe(2);
      });

      test('an index makes a sorted, limited equality query exact and unique indexes reject duplicates', async () => {
        const name = await seed(
          store,
          [
            { _id: 't1', owner: 'u1', due: d('2026-01-03'), n: 1 },
            { _id: 't2', owner: 'u1', due: null, n: 2 },
            { _id: 't3', owner: 'u2', due: d('2026-01-01'), n: 3 },
            { _id: 't4', owner: 'u1', due: d('2026-01-02'), n: 4 },
            { _id: 't5', owner: 'u1', due: d('2026-01-05'), n: 5 },
          ],
          'idx',
        );
        await store.ensureIndex!(name, { owner: 1, due: 1 });
        const page = await store.find(name, { owner: 'u1' }, { sort: [['due', 1]], limit: 3 });
        expect(page.map((doc) => doc._id)).toEqual(['t2', 't4', 't1']);
        const last = await store.find(name, { owner: 'u1' }, { sort: [['due', -1]], skip: 1, limit: 2 });
        expect(last.map((doc) => doc._id)).toEqual(['t1', 't4']);
        await store.ensureIndex!(name, { n: 1 }, { unique: true });
        expect(await errorCode(store.insert(name, [{ n: 1 }]))).toBe('DATABASE_DUPLICATE_WRITE');
      });
    });
  });
}
