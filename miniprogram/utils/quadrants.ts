import type { Quadrant } from '../../typings/todo';
import { strings } from '../i18n/index';
import { QUADRANT_KEYS } from '../shared/quadrants';

export interface QuadrantInfo {
  key: Quadrant;
  title: string;
  short: string;
  hint: string;
}

/** The four Eisenhower quadrants, in the order a person works through them, in the app's language. */
export function quadrants(): QuadrantInfo[] {
  const words = strings().quadrants;
  return QUADRANT_KEYS.map((key) => ({ key, ...words[key] }));
}

/** The position of a quadrant in `quadrants()`, which is also its tab's index. */
export function quadrantIndex(key: Quadrant): number {
  return QUADRANT_KEYS.indexOf(key);
}
