/** A deferred invocation (`cloudbase.addDelayedFunctionTask`) waiting for its time. */
export interface DelayedTask {
  id: string;
  /** The env id the caller named. */
  env: string;
  functionName: string;
  /** The JSON text the function receives, parsed, as its event. */
  data: string;
  /** ISO 8601 UTC: when it was asked for, and when it runs. */
  createdAt: string;
  dueAt: string;
}

/** What changed: a task added, run (on time or early), or every task forgotten. */
export interface DelayedChange {
  action: 'add' | 'run' | 'clear';
  id?: string;
}
