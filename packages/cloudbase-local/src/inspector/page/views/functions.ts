/**
 * Functions: the functions on the side, timer triggers to fire, and every recent invocation with
 * its source, outcome (an `{ok:false}` answer is an application error), duration and cold or warm
 * start, and what a run returned as one line (a timer sweep's counts); the selected one shows its
 * event, result and logs. Filtered by function, source, text and a code its logs start with.
 */
import {
  api,
  enc,
  query,
  type FireOutcome,
  type FunctionInfo,
  type FunctionsPage,
  type Invocation,
  type Trigger,
} from '../api';
import {
  badge,
  dataTable,
  debounce,
  empty,
  formatDateTime,
  formatMs,
  formatTime,
  h,
  panel,
  selectableRow,
  timeHead,
  timeTitle,
} from '../dom';
import { go, param } from '../state';
import { resultSummary } from '../summary';
import { failed } from '../ui';
import { invocationDetail, loggedCodes, outcomeCell, statusOf } from './invocation';
import type { View } from './view';

/** What the `1/2` beside a function counts (`0/0`: nothing loaded; its next call starts cold). */
const INSTANCES_LEGEND = 'instances running a call / instances alive; 0/0: none loaded, the next call starts cold';

/** Sources every local cloud has; services add theirs (`http` ...) and the filter lists what it has seen. */
const KNOWN_SOURCES = ['wx_client', 'sdk', 'timer'];

export function functionsView(): View {
  const side = h('ul');
  const search = h('input', {
    type: 'search',
    className: 'grow',
    placeholder: 'Search events, results, logs, users…',
    attrs: { 'aria-label': 'Search invocations' },
  });
  const sourceSelect = h('select', { attrs: { 'aria-label': 'Source' } });
  const codeSelect = h('select', { attrs: { 'aria-label': 'Logged code' } });
  const seenCodes = new Set<string>();
  const triggersBox = h('div');
  const list = h('div');
  const detail = h('div');
  const seenSources = new Set(KNOWN_SOURCES);
  /** The last answer of each trigger fired from here, shown on its card. */
  const fired = new Map<string, FireOutcome | 'running'>();

  function renderSide({ functions, memory }: FunctionsPage, current: string): void {
    const item = (name: string, label: string, count: string): HTMLLIElement =>
      h(
        'li',
        {},
        h(
          'button',
          {
            type: 'button',
            onclick: () => go({ fn: name, inv: undefined }),
            attrs: { 'aria-current': String(name === current) },
          },
          h('span', { textContent: label }),
          h('span', {
            className: 'count',
            textContent: count,
            title: count ? `${count}: ${INSTANCES_LEGEND}` : '',
            attrs: count ? { 'aria-label': `${count} instances busy / alive` } : {},
          }),
        ),
      );
    const megabytes = (bytes: number): string => `${Math.round(bytes / 1048576)} MB`;
    side.replaceChildren(
      item('', 'All functions', ''),
      ...functions.map((f: FunctionInfo) =>
        item(f.name, f.name, `${f.instances.busy}/${f.instances.busy + f.instances.idle}`),
      ),
      h('li', {
        className: 'muted',
        textContent: `${memory.processes} workers, ${megabytes(memory.rssBytes)} (peak ${megabytes(memory.peakRssBytes)})`,
      }),
      h('li', { className: 'muted legend', textContent: `busy/alive: ${INSTANCES_LEGEND}` }),
    );
  }

  function fire(t: Trigger): void {
    const key = `${t.function}/${t.trigger}`;
    fired.set(key, 'running');
    void view.update();
    fetch(`/_/api/triggers/${enc(t.function)}/${enc(t.trigger)}`, { method: 'POST' })
      .then(async (res) => fired.set(key, (await res.json()) as FireOutcome))
      .catch(failed(`Fire ${key}`))
      .finally(() => void view.update());
  }

  function renderTriggers(triggers: Trigger[]): void {
    if (triggers.length === 0) {
      triggersBox.replaceChildren();
      return;
    }
    const cards = triggers.map((t) => {
      const key = `${t.function}/${t.trigger}`;
      const outcome = fired.get(key);
      let last: HTMLElement | null = null;
      if (outcome === 'running') last = h('span', { className: 'muted', textContent: 'running…' });
      else if (outcome) {
        const text = outcome.ok ? (resultSummary(outcome.result) ?? JSON.stringify(outcome.result)) : outcome.errMsg;
        const status = outcome.ok ? badge('ok', 'ok') : badge(`errCode ${outcome.errCode}`, 'bad');
        last = h(
          'div',
          { className: 'last', title: text },
          status,
          ' ',
          h(outcome.ok ? 'code' : 'span', { textContent: text }),
        );
      }
      return h(
        'div',
        { className: 'card', attrs: { 'data-trigger': key } },
        h(
          'div',
          { className: 'row' },
          h('strong', { textContent: key }),
          h('button', {
            type: 'button',
            textContent: 'Fire now',
            disabled: outcome === 'running',
            onclick: () => fire(t),
          }),
        ),
        h('span', {
          className: t.error ? 'error' : 'muted',
          textContent: `${t.config} · ${t.error ?? (t.next ? `next ${formatDateTime(t.next, true)}` : 'on demand only')}`,
        }),
        last,
      );
    });
    triggersBox.replaceChildren(panel('Timer triggers', [], h('div', { className: 'cards' }, ...cards)));
  }

  function renderList(invocations: Invocation[], selected: string): void {
    const rows = invocations.map((inv) => {
      const cells = [
        h('td', { textContent: formatTime(inv.startedAt), title: timeTitle(inv.startedAt) }),
        h('td', { textContent: inv.name }),
        h('td', {}, statusOf(inv)),
        h('td', { className: 'num' }, inv.coldStart ? badge('cold', 'info') : null, ` ${formatMs(inv.durationMs)}`),
        h('td', { textContent: inv.source ?? 'sdk' }),
        h('td', { textContent: inv.openid ?? '' }),
        outcomeCell(inv),
      ];
      return selectableRow(inv.id === selected, () => go({ inv: inv.id }), cells, { 'data-id': inv.id });
    });
    const heads = [timeHead('time'), 'function', 'status', 'duration', 'source', 'user', 'summary'];
    list.replaceChildren(
      panel(
        'Invocations',
        [h('span', { className: 'muted', textContent: `${invocations.length} shown, newest first` })],
        invocations.length
          ? dataTable(heads, rows)
          : empty(
              param('q') || param('fn') || param('source') || param('code')
                ? 'No invocation matches.'
                : 'No invocations yet.',
            ),
      ),
    );
  }

  function renderCodes(): void {
    const current = param('code');
    if (current && current !== '*') seenCodes.add(current);
    codeSelect.replaceChildren(
      h('option', { value: '', textContent: 'Any log lines' }),
      h('option', { value: '*', textContent: 'A line starts with a CODE:', selected: current === '*' }),
      ...[...seenCodes]
        .sort()
        .map((code) => h('option', { value: code, textContent: `${code}:`, selected: code === current })),
    );
  }

  function renderSources(): void {
    const current = param('source');
    if (current) seenSources.add(current);
    sourceSelect.replaceChildren(
      h('option', { value: '', textContent: 'All sources' }),
      ...[...seenSources].sort().map((s) => h('option', { value: s, textContent: s, selected: s === current })),
    );
  }

  const view: View = {
    id: 'functions',
    title: 'Functions',
    mount(root) {
      search.oninput = debounce(() => go({ q: search.value.trim(), inv: undefined }, 'replace'), 250);
      sourceSelect.onchange = () => go({ source: sourceSelect.value, inv: undefined });
      codeSelect.onchange = () => go({ code: codeSelect.value, inv: undefined });
      const toolbar = h('div', { className: 'toolbar' }, search, sourceSelect, codeSelect);
      const aside = h('aside', { className: 'panel side' }, h('h2', { textContent: 'Functions' }), side);
      root.replaceChildren(
        h(
          'div',
          { className: 'layout' },
          aside,
          h('div', { className: 'stack' }, triggersBox, toolbar, h('div', { className: 'split' }, list, detail)),
        ),
      );
    },
    async update() {
      const fn = param('fn');
      if (document.activeElement !== search) search.value = param('q');
      const [functionsPage, { invocations }, { triggers }] = await Promise.all([
        api<FunctionsPage>('functions'),
        api<{ invocations: Invocation[] }>(
          `invocations${query({ limit: 200, function: fn, source: param('source'), q: param('q'), code: param('code') })}`,
        ),
        api<{ triggers: Trigger[] }>('triggers'),
      ]);
      for (const inv of invocations) {
        if (inv.source) seenSources.add(inv.source);
        for (const code of loggedCodes(inv).keys()) seenCodes.add(code);
      }
      renderSide(functionsPage, fn);
      renderSources();
      renderCodes();
      renderTriggers(fn ? triggers.filter((t) => t.function === fn) : triggers);
      const selected = param('inv');
      renderList(invocations, selected);
      let chosen = invocations.find((inv) => inv.id === selected);
      if (!chosen && selected)
        chosen = await api<{ invocation: Invocation }>(`invocations/${enc(selected)}`).then(
          (r) => r.invocation,
          () => undefined,
        );
      detail.replaceChildren(
        chosen
          ? invocationDetail(chosen)
          : panel(
              'Invocation',
              [],
              empty(
                selected
                  ? 'This invocation is no longer remembered.'
                  : 'Select an invocation to see its event, result and logs.',
              ),
            ),
      );
    },
    wants: (message) => message.type === 'invocation',
  };
  return view;
}
