/**
 * The inspector page: a tab per service, each showing what the JSON API answers, kept current by
 * the live event stream; where the person is (tab, selection, filters) lives in the URL.
 */
import type { LiveMessage } from './api';
import { h, throttle, ZONE_LABEL } from './dom';
import { dataButtons } from './data';
import { connectLive } from './live';
import { go, onNavigate, param } from './state';
import { failed } from './ui';
import { databaseView } from './views/database';
import { delayedView } from './views/delayed';
import { functionsView } from './views/functions';
import { outboxView } from './views/outbox';
import { problemsView } from './views/problems';
import { storageView } from './views/storage';
import type { View } from './views/view';

const views: View[] = [databaseView(), problemsView(), storageView(), functionsView(), delayedView(), outboxView()];
const root = document.getElementById('view') as HTMLElement;
const tabs = document.querySelector('.tabs') as HTMLElement;
let current: View | undefined;

function viewFromUrl(): View {
  return views.find((view) => view.id === param('tab')) ?? views[0];
}

/** Renders the current view, one update at a time; a request during one runs once after it. */
let running: Promise<void> | undefined;
let again = false;
function refresh(): void {
  if (running) {
    again = true;
    return;
  }
  const view = current;
  if (!view) return;
  running = view
    .update()
    .catch(failed(`Loading ${view.title}`))
    .finally(() => {
      running = undefined;
      if (again) {
        again = false;
        refresh();
      }
    });
}

function show(): void {
  const next = viewFromUrl();
  for (const tab of tabs.querySelectorAll('button'))
    tab.setAttribute('aria-selected', String(tab.dataset.tab === next.id));
  if (next !== current) {
    current = next;
    next.mount(root);
    document.title = `${next.title} · Local cloud`;
  }
  refresh();
}

for (const view of views) {
  const tab = h('button', { type: 'button', textContent: view.title, attrs: { role: 'tab', 'data-tab': view.id } });
  // A tab keeps nothing of another's selection in the URL.
  tab.onclick = () => {
    if (view !== current) history.pushState(null, '', `?tab=${view.id}`);
    show();
  };
  tabs.append(tab);
}
(document.getElementById('bar-actions') as HTMLElement).append(...dataButtons());
(document.getElementById('zone') as HTMLElement).textContent = `Times in ${ZONE_LABEL}`;

const liveRefresh = throttle(refresh, 300);
connectLive(document.getElementById('live') as HTMLElement, (message: LiveMessage) => {
  if (message.type === 'ready' || current?.wants(message)) liveRefresh();
});
onNavigate(show);
if (!param('tab')) go({ tab: views[0].id }, 'replace');
show();
