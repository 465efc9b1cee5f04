/**
 * A plain object: what JSON, Extended JSON and documents are made of. Arrays, Dates, RegExps,
 * Buffers and class instances are not (their prototype is not Object's), so a caller that walks
 * fields never walks into one of them by mistake.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
