/** The live connection: server-sent events from `/_/api/events`, shown in the bar's status. */
import type { LiveMessage } from './api';

const TYPES = ['ready', 'change', 'invocation', 'storage', 'outbox', 'delayed'];

/**
 * Connects and hands every event to `onMessage`; EventSource reconnects by itself, and each new
 * connection begins with `ready`, on which the page reloads what it shows (nothing is replayed).
 */
export function connectLive(status: HTMLElement, onMessage: (message: LiveMessage) => void): EventSource {
  const source = new EventSource('/_/api/events');
  const show = (state: 'on' | 'off' | 'connecting', text: string): void => {
    status.dataset.state = state;
    status.textContent = text;
  };
  source.onopen = () => show('on', 'Live');
  source.onerror = () => show(source.readyState === EventSource.CLOSED ? 'off' : 'connecting', 'Reconnecting…');
  for (const type of TYPES) {
    source.addEventListener(type, (event) => {
      let data: Record<string, unknown> = {};
      try {
        data = JSON.parse((event as MessageEvent<string>).data) as Record<string, unknown>;
      } catch {
        // a malformed message still means something changed
      }
      onMessage({ type, data });
    });
  }
  return source;
}
