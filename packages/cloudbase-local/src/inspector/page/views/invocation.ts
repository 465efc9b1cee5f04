/**
 * One invocation as the functions tab shows it: its status badge, the cell with what it returned
 * and the codes its logs name, and the detail pane with its event, result and marked log lines.
 */
import { codeMatches, logCode } from '../../../functions/log-codes';
import type { Invocation } from '../api';
import { badge, detailPanel, facts, formatDateTime, formatMs, h, timeTitle, type Child } from '../dom';
import { jsonView } from '../json';
import { param } from '../state';
import { resultSummary } from '../summary';

export function statusOf(inv: Invocation): HTMLSpanElement {
  if (inv.outcome !== 'ok') return badge(inv.outcome, 'bad');
  if (inv.appError) return badge(`app error ${inv.appError.code}`.trim(), 'warn');
  return badge('ok', 'ok');
}

/** The codes an invocation's log lines start with, and how many lines each. */
export function loggedCodes(inv: Invocation): Map<string, number> {
  const codes = new Map<string, number>();
  for (const line of inv.logs) {
    const code = logCode(line.text);
    if (code) codes.set(code, (codes.get(code) ?? 0) + 1);
  }
  return codes;
}

function logsView(inv: Invocation): HTMLElement {
  if (inv.logs.length === 0) return h('p', { className: 'muted', textContent: 'No output.' });
  const start = new Date(inv.startedAt).getTime();
  const filter = param('code');
  return h(
    'pre',
    { className: 'logs' },
    ...inv.logs.map((line) => {
      const code = logCode(line.text);
      const marked = filter ? codeMatches(filter, code) : code !== undefined;
      return h('div', {
        className: `${line.level}${marked ? ' coded' : ''}`,
        textContent: `+${Math.max(0, new Date(line.at).getTime() - start)} ms ${line.level.padEnd(5)} ${line.text}`,
      });
    }),
  );
}

/** A run's summary (counts it returned) and the codes its logs name, for a list cell. */
export function outcomeCell(inv: Invocation): HTMLTableCellElement {
  const summary = inv.result !== undefined ? resultSummary(inv.result) : undefined;
  const codes = [...loggedCodes(inv)].map(([code, n]) => badge(n > 1 ? `${code} ×${n}` : code, 'bad'));
  return h('td', { className: 'summary', title: summary ?? '' }, ...codes.flatMap((b) => [b, ' ']), summary ?? '');
}

export function invocationDetail(inv: Invocation): HTMLElement {
  const summary = inv.result !== undefined ? resultSummary(inv.result) : undefined;
  const body: Child[] = [
    facts([
      ['started', h('span', { textContent: formatDateTime(inv.startedAt, true), title: timeTitle(inv.startedAt) })],
      ['summary', summary],
      ['duration', formatMs(inv.durationMs)],
      [
        'start',
        inv.coldStart ? `cold${inv.initMs !== undefined ? ` (code loaded in ${formatMs(inv.initMs)})` : ''}` : 'warm',
      ],
      ['source', inv.source],
      ['user', inv.openid],
      ['request id', h('span', { className: 'mono', textContent: inv.id })],
    ]),
    inv.appError
      ? h('div', {
          className: 'notice',
          textContent: `The function refused the call: ${inv.appError.code} ${inv.appError.message}`,
        })
      : null,
    inv.errMsg ? h('pre', { className: 'logs' }, h('div', { className: 'error', textContent: inv.errMsg })) : null,
    h('h3', { textContent: 'Event' }),
    inv.event !== undefined
      ? jsonView(inv.event, 'Event')
      : h('p', { className: 'muted', textContent: inv.eventOmitted ?? 'Not kept.' }),
    h('h3', { textContent: 'Result' }),
    inv.result !== undefined
      ? jsonView(inv.result, 'Result')
      : h('p', {
          className: 'muted',
          textContent:
            inv.resultOmitted ?? (inv.outcome === 'ok' ? 'Nothing returned.' : 'No result: the invocation failed.'),
        }),
    h('h3', { textContent: 'Logs' }),
    logsView(inv),
  ];
  return detailPanel(h('h2', { textContent: inv.name }), [statusOf(inv)], ...body);
}
