/**
 * Log lines that name a fault by its code, as `INVALID_DOCUMENT: todos/x skipped` or, after a short
 * prefix saying who logs, `chat sweep: INTERRUPTED: ...`. The functions service filters invocations
 * by them and the inspector page marks them; nothing here knows which codes an app uses.
 */
const CODED_LINE = /^(?:[\w .\-/]{1,40}?:\s+)?([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*):(?:\s|$)/;

/** The code a log line starts with (after an optional `who: ` prefix), if any; at least 3 letters. */
export function logCode(text: string): string | undefined {
  const code = CODED_LINE.exec(text)?.[1];
  return code && code.length >= 3 ? code : undefined;
}

/** Whether a code filter (`*` for any code) takes a line with this code. */
export function codeMatches(filter: string, code: string | undefined): boolean {
  return code !== undefined && (filter === '*' || filter === code);
}
