/**
 * Problems: documents of any collection that record a fault (an `error` or `*Error` field with a
 * code, an `invalid` marker, a `repairedAt`), grouped by collection and code, each linking to the
 * document; the server finds them (GET /_/api/problems) without knowing the app.
 */
import type { ProblemGroup, ProblemsAnswer as ProblemsPage } from '../../../database/problem-types';
import { api } from '../api';
import { badge, empty, formatDateTime, h, panel, timeTitle, ZONE_LABEL } from '../dom';
import { dateOf } from '../json';
import { placeLink } from '../state';
import type { View } from './view';

const WHAT = [
  'Documents that say something went wrong with them: a field named error or ending in Error ',
  '(remindError, lastError …) holding a code or a WeChat errcode, at the top level or one level ',
  'down; an invalid marker; or a repairedAt left by a repair.',
].join('');

/**
 * A scan reads every collection (about 0.4 s for 10k documents, `npm run bench -- inspector`), so
 * live changes (a streaming reply writes several a second) rescan at most this often.
 */
const MIN_SCAN_INTERVAL_MS = 2000;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function groupItem(group: ProblemGroup): HTMLElement {
  const tone = group.code === 'repaired' ? 'warn' : 'bad';
  const rows = group.docs.map((doc) => {
    const id = typeof doc.id === 'string' ? doc.id : JSON.stringify(doc.id);
    const at = dateOf(doc.updatedAt);
    return h(
      'li',
      {},
      placeLink(id, { tab: 'database', collection: group.collection, doc: id }, 'mono'),
      doc.message ? h('span', { className: 'message', textContent: doc.message }) : null,
      at
        ? h('span', { className: 'muted', textContent: `updated ${formatDateTime(at, true)}`, title: timeTitle(at) })
        : null,
    );
  });
  const more = group.count - group.docs.length;
  return h(
    'div',
    { className: 'problem', attrs: { 'data-collection': group.collection, 'data-code': group.code } },
    h(
      'div',
      { className: 'row' },
      badge(group.code, tone),
      h('span', { className: 'mono', textContent: group.field }),
      h('strong', { textContent: plural(group.count, 'document') }),
      placeLink('Show in Database', { tab: 'database', collection: group.collection, where: group.where }),
    ),
    h('ul', {}, ...rows),
    more > 0 ? h('p', { className: 'muted', textContent: `and ${more} more: Show in Database lists them all` }) : null,
  );
}

export function problemsView(): View {
  const box = h('div', { className: 'stack' });
  let lastScan = 0;
  let live = false;

  function render(page: ProblemsPage): void {
    const total = page.groups.reduce((sum, g) => sum + g.count, 0);
    const collections = [...new Set(page.groups.map((g) => g.collection))];
    const scanned = `${plural(page.scanned, 'document')} scanned`;
    const head = total
      ? `${plural(total, 'problem')} in ${plural(collections.length, 'collection')} · ${scanned}`
      : scanned;
    const intro = h('p', { className: 'muted body intro', textContent: `${WHAT} Times in ${ZONE_LABEL}.` });
    const truncated = page.truncated.length
      ? h('div', {
          className: 'notice',
          textContent: `Only the newest ${page.scanLimit} documents of ${page.truncated.join(', ')} were scanned.`,
        })
      : null;
    const sections = collections.map((name) =>
      panel(
        h('h2', {}, placeLink(name, { tab: 'database', collection: name })),
        [],
        h('div', { className: 'body' }, ...page.groups.filter((g) => g.collection === name).map(groupItem)),
      ),
    );
    box.replaceChildren(
      panel('Problems', [h('span', { className: 'muted', textContent: head })], intro, truncated),
      ...(sections.length ? sections : [empty('No document records a fault.')]),
    );
  }

  return {
    id: 'problems',
    title: 'Problems',
    mount(root) {
      root.replaceChildren(box);
    },
    async update() {
      // Only a live change waits (the page folds further ones into the next update); leaving the
      // tab ends the wait, so another tab is never held up by it.
      const until = live ? lastScan + MIN_SCAN_INTERVAL_MS : 0;
      live = false;
      while (Date.now() < until && box.isConnected) await new Promise((resolve) => setTimeout(resolve, 100));
      if (!box.isConnected) return;
      const page = await api<ProblemsPage>('problems');
      lastScan = Date.now();
      render(page);
    },
    wants(message) {
      live ||= message.type === 'change';
      return message.type === 'change';
    },
  };
}
