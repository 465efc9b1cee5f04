import { StoreError } from './types';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * mingo 7.2.x files a value equal to an inner boundary under the bucket below it (10 lands in
 * [0, 10) for boundaries [0, 10, 50]); MongoDB's bounds are inclusive below. `$bucket` is therefore
 * run as the `$group` + `$switch` that MongoDB documents it to be, ordered by boundary with the
 * default bucket last, `_id` first.
 */
export function bucketAsGroup(stage: Record<string, unknown>): Record<string, unknown>[] {
  const spec = stage.$bucket;
  if (!isRecord(spec)) return [stage];
  const { groupBy, boundaries, output } = spec;
  if (!Array.isArray(boundaries) || boundaries.length < 2) {
    throw new StoreError('INVALID_PARAM', '$bucket needs at least two boundaries');
  }
  if (output !== undefined && !isRecord(output))
    throw new StoreError('INVALID_PARAM', '$bucket output must be an object');
  const hasDefault = 'default' in spec;
  const branches = boundaries.slice(0, -1).map((lower, i) => ({
    case: { $and: [{ $gte: [groupBy, { $literal: lower }] }, { $lt: [groupBy, { $literal: boundaries[i + 1] }] }] },
    then: i,
  }));
  const keys = [...boundaries.slice(0, -1), ...(hasDefault ? [spec.default] : [])];
  return [
    {
      $group: {
        _id: { $switch: { branches, ...(hasDefault ? { default: boundaries.length - 1 } : {}) } },
        ...(output ?? { count: { $sum: 1 } }),
      },
    },
    { $sort: { _id: 1 } },
    { $addFields: { _id: { $arrayElemAt: [{ $literal: keys }, '$_id'] } } },
  ];
}
