/**
 * WeChat: every call to the local WeChat server (cloud.openapi from functions, HTTPS calls to
 * /wxapi; nothing reaches WeChat), the answer it got, and a form that makes the next matching call
 * fail with a chosen errcode.
 */
import { api, type FailureRule, type OutboxEntry } from '../api';
import {
  badge,
  dataTable,
  detailPanel,
  empty,
  facts,
  formatDateTime,
  formatTime,
  h,
  panel,
  selectableRow,
  timeHead,
  timeTitle,
} from '../dom';
import { jsonView } from '../json';
import { go, param } from '../state';
import { confirmDialog, failed, toast } from '../ui';
import type { View } from './view';

/** Errcodes worth rehearsing: what the app handles differently. */
const ERRCODES: Array<[number, string]> = [
  [43101, 'user refused or has no subscription credit'],
  [40003, 'invalid openid'],
  [47003, 'template data invalid'],
  [-1, 'system busy, retry later'],
];

const answerBadge = (entry: OutboxEntry): HTMLSpanElement => {
  const errcode = entry.result.errcode ?? 0;
  return badge(`errcode ${errcode}`, errcode === 0 ? 'ok' : 'bad');
};

export function outboxView(): View {
  const pending = h('ul');
  const list = h('div');
  const detail = h('div');
  const apiNames = h(
    'datalist',
    { id: 'api-names' },
    h('option', { value: 'subscribeMessage.send' }),
    h('option', { value: 'security.msgSecCheck' }),
  );

  function failureForm(): HTMLFormElement {
    const apiName = h('input', {
      value: 'subscribeMessage.send',
      required: true,
      attrs: { list: 'api-names', 'aria-label': 'API name' },
    });
    const touser = h('input', { placeholder: 'any user', attrs: { 'aria-label': 'Only for openid' } });
    const errcode = h(
      'select',
      { attrs: { 'aria-label': 'errcode' } },
      ...ERRCODES.map(([code, text]) => h('option', { value: String(code), textContent: `${code} · ${text}` })),
    );
    const errmsg = h('input', { placeholder: 'WeChat\u2019s usual text', attrs: { 'aria-label': 'errmsg' } });
    const form = h(
      'form',
      { className: 'stack body' },
      h('label', {}, 'API', apiName),
      h('label', {}, 'only for openid', touser),
      h('label', {}, 'errcode', errcode),
      h('label', {}, 'errmsg', errmsg),
      h('button', { type: 'submit', className: 'primary', textContent: 'Fail the next call' }),
      apiNames,
    );
    form.onsubmit = (event) => {
      event.preventDefault();
      const rule: FailureRule = { apiName: apiName.value.trim(), errcode: Number(errcode.value) };
      if (touser.value.trim()) rule.touser = touser.value.trim();
      if (errmsg.value.trim()) rule.errmsg = errmsg.value.trim();
      api('outbox/fail', { method: 'POST', json: rule })
        .then(() => toast(`The next ${rule.apiName} call fails with ${rule.errcode}`))
        .then(() => view.update())
        .catch(failed('Inject failure'));
    };
    return form;
  }

  async function clear(): Promise<void> {
    if (!(await confirmDialog('Clear the outbox', 'Forget every recorded open-API call and pending failure?', 'Clear')))
      return;
    await api('outbox', { method: 'DELETE' });
    toast('Outbox cleared');
    go({ entry: undefined });
  }

  function renderList(entries: OutboxEntry[], selected: string): void {
    const rows = entries.map((entry) => {
      const cells = [
        h('td', { textContent: formatTime(entry.at), title: timeTitle(entry.at) }),
        h('td', { textContent: entry.apiName }),
        h('td', { textContent: entry.openid ?? '' }),
        h('td', { textContent: entry.via ?? '' }),
        h('td', {}, answerBadge(entry)),
      ];
      return selectableRow(entry.id === selected, () => go({ entry: entry.id }), cells);
    });
    const clearButton = h('button', {
      type: 'button',
      className: 'danger',
      textContent: 'Clear outbox',
      onclick: () => void clear().catch(failed('Clear outbox')),
    });
    list.replaceChildren(
      panel(
        'Calls',
        [
          h('span', { className: 'muted', textContent: `${entries.length}, newest first` }),
          h('span', { className: 'spacer' }),
          clearButton,
        ],
        entries.length
          ? dataTable([timeHead('time'), 'API', 'to', 'via', 'answer'], rows)
          : empty('No open-API calls yet.'),
      ),
    );
  }

  function renderDetail(entry: OutboxEntry | undefined): void {
    if (!entry) {
      detail.replaceChildren(panel('Call', [], empty('Select a call to see what was sent and answered.')));
      return;
    }
    detail.replaceChildren(
      detailPanel(
        entry.apiName,
        [answerBadge(entry)],
        facts([
          ['at', formatDateTime(entry.at, true)],
          ['to', entry.openid],
          ['via', entry.via],
        ]),
        h('h3', { textContent: 'Sent' }),
        jsonView(entry.payload, 'Payload'),
        h('h3', { textContent: 'Answered' }),
        jsonView(entry.result, 'Answer'),
      ),
    );
  }

  const view: View = {
    id: 'outbox',
    title: 'WeChat',
    mount(root) {
      const aside = h(
        'aside',
        { className: 'panel side' },
        h('h2', { textContent: 'Inject a failure' }),
        failureForm(),
        h('h2', { textContent: 'Pending failures' }),
        pending,
      );
      root.replaceChildren(h('div', { className: 'layout' }, aside, h('div', { className: 'split' }, list, detail)));
    },
    async update() {
      const { entries, pendingFailures } = await api<{ entries: OutboxEntry[]; pendingFailures: FailureRule[] }>(
        'outbox',
      );
      pending.replaceChildren(
        ...pendingFailures.map((rule) =>
          h('li', {
            className: 'body',
            textContent: `${rule.apiName}${rule.touser ? ` to ${rule.touser}` : ''} → ${rule.errcode}`,
          }),
        ),
      );
      if (pendingFailures.length === 0)
        pending.append(h('li', { className: 'body muted', textContent: 'None: calls succeed.' }));
      const newest = entries.slice().reverse();
      const selected = param('entry');
      renderList(newest, selected);
      renderDetail(newest.find((e) => e.id === selected));
    },
    wants: (message) => message.type === 'outbox',
  };
  return view;
}
