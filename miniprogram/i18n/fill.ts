/** `'{n} 分钟前'` with `{ n: 5 }` is `'5 分钟前'`; a name without a value stays as written. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}
