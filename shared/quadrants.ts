/** The four Eisenhower quadrants, in the order a person works through them: q1 important and urgent, q2 important, q3 urgent, q4 neither. */
export const QUADRANT_KEYS = ['q1', 'q2', 'q3', 'q4'] as const;
