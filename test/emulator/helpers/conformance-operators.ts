import type { Doc } from '../../../packages/cloudbase-local/src/database/store';

/**
 * Every operator of CloudBase's aggregate guide (the `db.command.aggregate` list of
 * @cloudbase/database, which follows MongoDB's operator reference), each with the result MongoDB's
 * reference page gives. Expressions are evaluated over OPERATOR_DOC with `$project`.
 */
export const OPERATOR_DOC: Doc = {
  _id: 'op',
  n: -5,
  f: 2.5,
  s: 'Hello',
  arr: [1, 2, 3],
  d: new Date('2019-12-31T10:20:30.456Z'),
  o: { a: 1 },
  nil: null,
};

type ExpressionCase = [operator: string, expression: unknown, expected: unknown];

export const EXPRESSION_CASES: ExpressionCase[] = [
  // arithmetic
  ['$abs', { $abs: '$n' }, 5],
  ['$add', { $add: ['$n', 10, '$f'] }, 7.5],
  ['$add a date and milliseconds', { $add: ['$d', 1000] }, new Date('2019-12-31T10:20:31.456Z')],
  ['$ceil', { $ceil: '$f' }, 3],
  ['$divide', { $divide: [9, 2] }, 4.5],
  ['$exp', { $exp: 0 }, 1],
  ['$floor', { $floor: -2.5 }, -3],
  ['$ln', { $ln: 1 }, 0],
  ['$log', { $log: [100, 10] }, 2],
  ['$log10', { $log10: 1000 }, 3],
  ['$mod', { $mod: [10, 3] }, 1],
  ['$multiply', { $multiply: [2, 3, 4] }, 24],
  ['$pow', { $pow: [2, 10] }, 1024],
  ['$sqrt', { $sqrt: 25 }, 5],
  ['$subtract', { $subtract: [10, '$n'] }, 15],
  ['$subtract two dates', { $subtract: ['$d', new Date('2019-12-31T10:20:30.000Z')] }, 456],
  ['$trunc', { $trunc: -2.7 }, -2],
  // array
  ['$arrayElemAt from the end', { $arrayElemAt: ['$arr', -1] }, 3],
  ['$arrayToObject', { $arrayToObject: { $literal: [['k', 1]] } }, { k: 1 }],
  ['$concatArrays', { $concatArrays: ['$arr', [4]] }, [1, 2, 3, 4]],
  ['$filter', { $filter: { input: '$arr', as: 'x', cond: { $gt: ['$$x', 1] } } }, [2, 3]],
  ['$in', { $in: [2, '$arr'] }, true],
  ['$indexOfArray', { $indexOfArray: ['$arr', 2] }, 1],
  ['$isArray', { $isArray: ['$arr'] }, true],
  ['$map', { $map: { input: '$arr', as: 'x', in: { $multiply: ['$$x', 10] } } }, [10, 20, 30]],
  ['$range', { $range: [0, 10, 3] }, [0, 3, 6, 9]],
  ['$reduce', { $reduce: { input: '$arr', initialValue: 0, in: { $add: ['$$value', '$$this'] } } }, 6],
  ['$reverseArray', { $reverseArray: '$arr' }, [3, 2, 1]],
  ['$size', { $size: '$arr' }, 3],
  ['$slice', { $slice: ['$arr', 1, 1] }, [2]],
  [
    '$zip',
    {
      $zip: {
        inputs: [
          ['a', 'b'],
          [1, 2],
        ],
      },
    },
    [
      ['a', 1],
      ['b', 2],
    ],
  ],
  // boolean
  ['$and', { $and: [true, '$f'] }, true],
  ['$not', { $not: [false] }, true],
  ['$or', { $or: [false, 0] }, false],
  // comparison
  ['$cmp', { $cmp: [1, 2] }, -1],
  ['$eq', { $eq: [2.5, '$f'] }, true],
  ['$gt', { $gt: ['$f', 2] }, true],
  ['$gte', { $gte: ['$f', 2.5] }, true],
  ['$lt', { $lt: ['$n', 0] }, true],
  ['$lte', { $lte: ['$n', -6] }, false],
  ['$ne', { $ne: ['$s', 'Hello'] }, false],
  // conditional
  ['$cond', { $cond: { if: { $gt: ['$f', 2] }, then: 'big', else: 'small' } }, 'big'],
  ['$cond array form', { $cond: [false, 1, 2] }, 2],
  ['$ifNull on null', { $ifNull: ['$nil', 'default'] }, 'default'],
  ['$ifNull on a missing field', { $ifNull: ['$missing', 'default'] }, 'default'],
  [
    '$switch',
    { $switch: { branches: [{ case: { $lt: ['$n', 0] }, then: 'negative' }], default: 'other' } },
    'negative',
  ],
  // date (2019-12-31 is a Tuesday, in ISO week 1 of 2020)
  ['$dateFromParts', { $dateFromParts: { year: 2019, month: 12, day: 31 } }, new Date('2019-12-31T00:00:00Z')],
  [
    '$dateFromString',
    { $dateFromString: { dateString: '2019-12-31T10:20:30.456Z' } },
    new Date('2019-12-31T10:20:30.456Z'),
  ],
  ['$dateToString', { $dateToString: { format: '%Y-%m-%d %H:%M:%S', date: '$d' } }, '2019-12-31 10:20:30'],
  ['$dayOfMonth', { $dayOfMonth: '$d' }, 31],
  ['$dayOfWeek (Sunday is 1)', { $dayOfWeek: '$d' }, 3],
  ['$dayOfYear', { $dayOfYear: '$d' }, 365],
  ['$hour', { $hour: '$d' }, 10],
  ['$hour in a timezone', { $hour: { date: '$d', timezone: 'Asia/Shanghai' } }, 18],
  ['$isoDayOfWeek (Monday is 1)', { $isoDayOfWeek: '$d' }, 2],
  ['$isoWeek', { $isoWeek: '$d' }, 1],
  ['$isoWeekYear', { $isoWeekYear: '$d' }, 2020],
  ['$millisecond', { $millisecond: '$d' }, 456],
  ['$minute', { $minute: '$d' }, 20],
  ['$month', { $month: '$d' }, 12],
  ['$second', { $second: '$d' }, 30],
  ['$week: the last Tuesday of 2019 is in week 52', { $week: '$d' }, 52],
  ['$week: days before the first Sunday are week 0', { $week: new Date('2019-01-05T00:00:00Z') }, 0],
  ['$week: the first Sunday starts week 1', { $week: new Date('2019-01-06T00:00:00Z') }, 1],
  ['$year', { $year: '$d' }, 2019],
  // literal, object
  ['$literal', { $literal: '$notAField' }, '$notAField'],
  ['$mergeObjects', { $mergeObjects: ['$o', { b: 2 }] }, { a: 1, b: 2 }],
  ['$objectToArray', { $objectToArray: '$o' }, [{ k: 'a', v: 1 }]],
  // set (MongoDB leaves the order of a set's elements unspecified, so results are compared as sets)
  ['$allElementsTrue', { $allElementsTrue: [[true, 1]] }, true],
  ['$anyElementTrue', { $anyElementTrue: [[false, 0, null]] }, false],
  ['$setDifference', { $setEquals: [{ $setDifference: [[1, 2, 3], [2]] }, [1, 3]] }, true],
  [
    '$setEquals',
    {
      $setEquals: [
        [1, 2],
        [2, 1, 1],
      ],
    },
    true,
  ],
  [
    '$setIntersection',
    {
      $setEquals: [
        {
          $setIntersection: [
            [1, 2, 3],
            [2, 3, 4],
          ],
        },
        [2, 3],
      ],
    },
    true,
  ],
  ['$setIsSubset', { $setIsSubset: [[1], [1, 2]] }, true],
  ['$setUnion', { $setEquals: [{ $setUnion: [[1, 2], [3]] }, [1, 2, 3]] }, true],
  // string
  ['$concat', { $concat: ['$s', ' ', 'World'] }, 'Hello World'],
  ['$indexOfBytes counts UTF-8 bytes', { $indexOfBytes: ['cafétéria', 't'] }, 5],
  ['$indexOfCP counts code points', { $indexOfCP: ['cafétéria', 't'] }, 4],
  ['$indexOfCP with a start', { $indexOfCP: ['cafétéria', 'é', 4] }, 5],
  ['$indexOfCP not found', { $indexOfCP: ['abc', 'z'] }, -1],
  ['$indexOfCP of null', { $indexOfCP: ['$nil', 'a'] }, null],
  ['$split', { $split: ['a-b-c', '-'] }, ['a', 'b', 'c']],
  ['$strLenBytes', { $strLenBytes: 'é' }, 2],
  ['$strLenCP', { $strLenCP: 'é' }, 1],
  ['$strcasecmp', { $strcasecmp: ['hello', 'HELLO'] }, 0],
  ['$substr with a negative length takes the rest', { $substr: ['$s', 1, -1] }, 'ello'],
  ['$substr with a negative start is empty', { $substr: ['$s', -1, 2] }, ''],
  ['$substr past the end is cut', { $substr: ['$s', 3, 10] }, 'lo'],
  ['$substrBytes', { $substrBytes: ['héllo', 1, 2] }, 'é'],
  ['$substrBytes with a negative length', { $substrBytes: ['héllo', 3, -1] }, 'llo'],
  ['$substrCP', { $substrCP: ['héllo', 1, 2] }, 'él'],
  ['$toLower', { $toLower: '$s' }, 'hello'],
  ['$toUpper', { $toUpper: '$s' }, 'HELLO'],
  ['$trim', { $trim: { input: '  a  ' } }, 'a'],
  ['$ltrim', { $ltrim: { input: '  a  ' } }, 'a  '],
  ['$rtrim', { $rtrim: { input: '  a  ' } }, '  a'],
  // variables
  ['$let', { $let: { vars: { x: 2 }, in: { $multiply: ['$$x', 3] } } }, 6],
];

/** The group accumulators of the guide over the values 1, 2, 3, 4. */
export const ACCUMULATOR_CASES: Array<[operator: string, expected: unknown]> = [
  ['$addToSet', [1, 2, 3, 4]],
  ['$avg', 2.5],
  ['$first', 1],
  ['$last', 4],
  ['$max', 4],
  ['$min', 1],
  ['$push', [1, 2, 3, 4]],
  ['$stdDevPop', 1.118033988749895],
  ['$stdDevSamp', 1.2909944487358056],
  ['$sum', 10],
];
