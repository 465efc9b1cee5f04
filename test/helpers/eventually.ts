/**
 * The one way a test waits: for a condition, never for a time. `check` is asked again (quickly at
 * first, then every 50 ms) until it gives something other than `undefined`, `null` or `false`,
 * which `eventually` resolves with; past the timeout it fails naming what was awaited.
 */
export interface WaitOptions {
  timeoutMs?: number;
  /** At least this long between two checks (a check comparing two readings needs them apart). */
  everyMs?: number;
}

/** Defaults for every wait of a Jest project; component tests shorten the timeout (component-setup.ts). */
export const waits = { timeoutMs: 10_000 };

type Settled<T> = Exclude<T, undefined | null | false>;

export async function eventually<T>(
  check: () => T | Promise<T>,
  /** What is awaited, for the failure; the check's own source when not given. */
  what?: string | (() => string),
  options: number | WaitOptions = {},
): Promise<Settled<T>> {
  const { timeoutMs = waits.timeoutMs, everyMs = 0 } = typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  for (let round = 0; ; round++) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value as Settled<T>;
    if (Date.now() > deadline) {
      const named = typeof what === 'function' ? what() : (what ?? check.toString());
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${named}`);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(everyMs, Math.min(50, 5 * 2 ** round))));
  }
}
