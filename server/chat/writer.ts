/**
 * Writes a growing reply into its document at most every `intervalMs` (the first text at once),
 * one write in flight at a time, so a 20-second reply costs about 60 writes instead of one per
 * token. Every write is conditional on the reply still streaming: a write that finds it stopped
 * (by a `stop` in another function instance) reports `gone`. While the model is silent nothing
 * is written, so a read every `checkMs` notices a stop anyway.
 */

export interface ReplySink {
  /** Writes the text so far; false when the reply is no longer streaming. */
  write(text: string): Promise<boolean>;
  /** True while the reply is still streaming. */
  alive(): Promise<boolean>;
}

export interface WriterStats {
  writes: number;
  checks: number;
  /** performance.now() of the first text handed in and of its first write's completion. */
  firstTextAt?: number;
  firstWriteAt?: number;
}

export class ThrottledWriter {
  readonly stats: WriterStats = { writes: 0, checks: 0 };
  private latest = '';
  private written = '';
  private lastActivity = 0;
  private lastWrite = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly heartbeat: ReturnType<typeof setInterval>;
  private closed = false;
  private gone = false;

  constructor(
    private readonly sink: ReplySink,
    private readonly options: { intervalMs: number; checkMs: number; onGone: (error?: unknown) => void },
  ) {
    this.lastActivity = performance.now();
    this.heartbeat = setInterval(() => this.check(), options.checkMs);
  }

  /** The text the last successful write saved: what the document holds for sure. */
  get saved(): string {
    return this.written;
  }

  /** The reply's whole text so far. */
  update(text: string): void {
    if (this.closed || this.gone || text === this.latest) return;
    if (this.latest === '' && text !== '') this.stats.firstTextAt ??= performance.now();
    this.latest = text;
    this.schedule();
  }

  /** Stops writing and waits for the write or check in flight. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    clearInterval(this.heartbeat);
    await this.inflight;
  }

  private schedule(): void {
    if (this.inflight || this.timer || this.closed || this.gone || this.latest === this.written) return;
    const wait = this.lastWrite + this.options.intervalMs - performance.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => ((this.timer = undefined), this.flush()), wait);
  }

  private flush(): void {
    const text = this.latest;
    this.lastWrite = this.lastActivity = performance.now();
    this.stats.writes++;
    this.inflight = this.sink
      .write(text)
      .then((ok) => {
        if (!ok) return this.lose(undefined);
        this.written = text;
        this.stats.firstWriteAt ??= performance.now();
      })
      .catch((error: unknown) => this.lose(error))
      .finally(() => {
        this.inflight = undefined;
        this.schedule();
      });
  }

  private check(): void {
    if (this.closed || this.gone || this.inflight || performance.now() - this.lastActivity < this.options.checkMs)
      return;
    this.lastActivity = performance.now();
    this.stats.checks++;
    this.inflight = this.sink
      .alive()
      .then((alive) => {
        if (!alive) this.lose(undefined);
      })
      .catch(() => undefined) // a failed read proves nothing; the next write or check will tell
      .finally(() => {
        this.inflight = undefined;
        this.schedule();
      });
  }

  /** The reply can take no more writes: ended elsewhere (no error) or the database failed (error). */
  private lose(error: unknown): void {
    if (this.gone) return;
    this.gone = true;
    clearTimeout(this.timer);
    this.options.onGone(error);
  }
}
