/** The four Eisenhower quadrants, in the order a person works through them. */
export const QUADRANTS = [
  { key: 'q1', title: '重要且紧急', short: '马上做', hint: '今天就要处理的事' },
  { key: 'q2', title: '重要不紧急', short: '计划做', hint: '为长远目标安排时间' },
  { key: 'q3', title: '紧急不重要', short: '尽快了', hint: '能委托就委托，能简化就简化' },
  { key: 'q4', title: '不重要不紧急', short: '少做', hint: '留到有空时再看' },
] as const;

export type QuadrantKey = (typeof QUADRANTS)[number]['key'];
