/**
 * `ready`, which glass-easel does not fire: every component queues itself when attached, and the
 * queue fires `ready` after the frame that shows it has rendered.
 */
import type { glassEasel } from 'glass-easel-miniprogram-adapter';

type Readyable = { triggerLifetime(name: string, args: unknown[]): void };

export class ReadyQueue {
  private readonly pending: Readyable[] = [];
  private scheduled = false;

  constructor(private readonly backend: glassEasel.CurrentWindowBackendContext) {}

  /** Components call this from `attached`; `ready` follows once the frame has rendered. */
  queue(comp: Readyable): void {
    this.pending.push(comp);
    if (this.scheduled) return;
    this.scheduled = true;
    this.afterRender(() => this.flush());
  }

  flush(): void {
    this.scheduled = false;
    for (const comp of this.pending.splice(0)) comp.triggerLifetime('ready', []);
  }

  /** After the backend has drawn what setData changed (glass-easel renders in a frame). */
  afterRender(run: () => void): void {
    this.backend.render(() => run());
  }
}
