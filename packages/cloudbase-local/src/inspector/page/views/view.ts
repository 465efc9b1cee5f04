/** What every tab of the inspector is: a frame built once, filled from the URL and fresh data. */
import type { LiveMessage } from '../api';

export interface View {
  readonly id: string;
  readonly title: string;
  /** Builds the view's frame into `root` when its tab opens. */
  mount(root: HTMLElement): void;
  /** Fills the frame from the URL and the API; called on open, on navigation and on live changes. */
  update(): Promise<void>;
  /** Whether a live event changes what the view shows. */
  wants(message: LiveMessage): boolean;
}
