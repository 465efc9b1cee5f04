import type { Quadrant } from '../../typings/todo';
import { QUADRANT_KEYS } from '../shared/quadrants';

const TEXT: Record<Quadrant, { title: string; short: string; hint: string }> = {
  q1: { title: '重要且紧急', short: '马上做', hint: '今天就要处理的事' },
  q2: { title: '重要不紧急', short: '计划做', hint: '为长远目标安排时间' },
  q3: { title: '紧急不重要', short: '尽快了', hint: '能委托就委托，能简化就简化' },
  q4: { title: '不重要不紧急', short: '少做', hint: '留到有空时再看' },
};

/** The four Eisenhower quadrants, in the order a person works through them, with their words. */
export const QUADRANTS = QUADRANT_KEYS.map((key) => ({ key, ...TEXT[key] }));
