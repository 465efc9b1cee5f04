/**
 * The Official Account beside the phone, as the current dev user sees it in WeChat: follow or
 * unfollow, write to it, and the conversation: what they wrote, the passive replies, and the
 * customer-service and template messages as they arrive. Messages go through the local WeChat
 * server (`POST /_/api/oa/messages`), which pushes them to the account's server URL as WeChat
 * does; the conversation is read from the person it keeps (`GET /_/api/wechat/people/<openid>`).
 */
import { button, el } from './dom';

interface Delivered {
  at: number;
  kind: 'custom' | 'template' | 'passive';
  payload: Record<string, unknown>;
}

interface Written {
  at: number;
  content?: string;
  event?: 'subscribe' | 'unsubscribe';
}

interface Person {
  officialAccountOpenid: string;
  follower: { subscribed: boolean };
  received: Delivered[];
  written: Written[];
}

interface PushAnswer {
  tries?: Array<{ status: number | null; ms: number }>;
  answered?: boolean;
  message?: string;
}

const POLL_MS = 1500;
const OPEN_KEY = 'mp-preview:oa-open';

const CSS = `
.pv-desk { flex-wrap: wrap; }
.pv-oa { width: 300px; height: min(calc(100vh - 32px), 812px); display: flex; flex-direction: column; font-size: 13px;
  border-radius: 12px; overflow: hidden; background: #ededed; color: #111; box-shadow: 0 4px 20px rgba(0,0,0,.15); }
.pv-oa[data-open="false"] { width: auto; height: auto; background: none; box-shadow: none; }
.pv-oa[data-open="false"] .pv-oa__body { display: none; }
.pv-oa__head { display: flex; align-items: center; gap: 8px; padding: 10px 12px; background: #f7f7f7; border-bottom: 1px solid #ddd; }
.pv-oa__head strong { flex: 1; }
.pv-oa__body { flex: 1; min-height: 0; display: flex; flex-direction: column; }
.pv-oa__state { display: flex; align-items: center; justify-content: space-between; padding: 6px 12px; color: #70757a; }
.pv-oa__list { flex: 1; overflow-y: auto; padding: 8px 10px; display: flex; flex-direction: column; gap: 8px; }
.pv-oa__msg { max-width: 80%; padding: 8px 10px; border-radius: 6px; line-height: 1.45; white-space: pre-wrap; word-break: break-word; background: #fff; align-self: flex-start; }
.pv-oa__msg--out { align-self: flex-end; background: #95ec69; }
.pv-oa__msg--event { align-self: center; background: none; color: #888; font-size: 12px; padding: 0; }
.pv-oa__tag { display: block; font-size: 11px; color: #888; margin-bottom: 2px; }
.pv-oa__msg--template { border: 1px solid #e5e5e5; min-width: 70%; }
.pv-oa__msg--template a { display: block; margin-top: 6px; padding-top: 6px; border-top: 1px solid #eee; color: #576b95; cursor: pointer; }
.pv-oa__tries { align-self: flex-end; color: #888; font-size: 11px; margin-top: -4px; }
.pv-oa__compose { display: flex; gap: 6px; padding: 8px; background: #f7f7f7; border-top: 1px solid #ddd; }
.pv-oa__compose input { flex: 1; font: inherit; padding: 6px 8px; border: 1px solid #ccc; border-radius: 4px; }
@media (prefers-color-scheme: dark) {
  .pv-oa { background: #111; color: #e8eaed; }
  .pv-oa__head, .pv-oa__compose { background: #1e1e1e; border-color: #333; }
  .pv-oa__msg:not(.pv-oa__msg--event) { background: #2c2c2c; }
  .pv-oa__msg.pv-oa__msg--out { background: #3eb575; color: #111; }
  .pv-oa__msg--template { border-color: #3a3a3a; }
  .pv-oa__msg--template a { border-color: #3a3a3a; color: #7d90a9; }
  .pv-oa__compose input { background: #2c2c2c; color: inherit; border-color: #444; }
}
`;

const textOf = (payload: Record<string, unknown>): string => {
  const text = payload.text as { content?: unknown } | undefined;
  return typeof text?.content === 'string' ? text.content : `[${String(payload.msgtype ?? 'message')}]`;
};

/** A passive reply's text may hold WeChat's `<a data-miniprogram-…>` link markup: shown as its text. */
const plain = (text: string): string => text.replace(/<a\b[^>]*>(.*?)<\/a>/g, '$1');

function templateCard(payload: Record<string, unknown>): HTMLElement {
  const card = el('div', { class: 'pv-oa__msg pv-oa__msg--template' });
  card.appendChild(el('span', { class: 'pv-oa__tag' }, '模板消息'));
  const data = (payload.data ?? {}) as Record<string, { value?: unknown }>;
  for (const [key, item] of Object.entries(data))
    card.appendChild(el('div', {}, `${key}: ${String(item?.value ?? '')}`));
  const target = payload.miniprogram as { pagepath?: unknown } | undefined;
  if (typeof target?.pagepath === 'string') {
    const link = el('a', { 'data-pagepath': target.pagepath }, '进入小程序查看');
    const path = target.pagepath;
    link.addEventListener('click', () => {
      location.hash = `#/${path}`;
      location.reload();
    });
    card.appendChild(link);
  }
  return card;
}

function bubble(item: Written | Delivered): HTMLElement {
  if (!('kind' in item)) {
    if (item.event)
      return el(
        'div',
        { class: 'pv-oa__msg pv-oa__msg--event' },
        item.event === 'subscribe' ? '你关注了公众号' : '你取消了关注',
      );
    return el('div', { class: 'pv-oa__msg pv-oa__msg--out' }, item.content ?? '');
  }
  if (item.kind === 'template') return templateCard(item.payload);
  const node = el('div', { class: `pv-oa__msg pv-oa__msg--${item.kind}` });
  if (item.kind === 'custom') node.appendChild(el('span', { class: 'pv-oa__tag' }, '客服消息'));
  node.appendChild(document.createTextNode(plain(textOf(item.payload))));
  return node;
}

function describeTries(answer: PushAnswer): string {
  const tries = (answer.tries ?? []).map((t) => (t.status === null ? 'timed out' : `${t.status} in ${t.ms} ms`));
  return `${tries.length} ${tries.length === 1 ? 'try' : 'tries'}: ${tries.join(', ')}${answer.answered === false ? ' (no answer)' : ''}`;
}

export function officialAccountPanel(openid: string): HTMLElement {
  document.head.appendChild(el('style', {}, CSS));
  const panel = el('section', {
    class: 'pv-oa',
    'aria-label': 'Official Account',
    'data-open': String(localStorage.getItem(OPEN_KEY) !== 'false'),
  });
  const follow = button(
    'Follow',
    () => void push({ openid, event: follow.dataset.subscribed === 'true' ? 'unsubscribe' : 'subscribe' }),
    { class: 'pv-oa__follow' },
  );
  const toggle = button('Hide', () => setOpen(panel.dataset.open !== 'true'), { class: 'pv-oa__toggle' });
  const head = el('header', { class: 'pv-oa__head' });
  head.append(el('strong', {}, '公众号 · Official Account'), toggle);
  const state = el('div', { class: 'pv-oa__state' }, `as ${openid}`);
  state.appendChild(follow);
  const list = el('div', { class: 'pv-oa__list', role: 'log', 'aria-label': 'Official Account conversation' });
  const input = el('input', {
    class: 'pv-oa__input',
    placeholder: '发消息给公众号',
    'aria-label': 'Message to the Official Account',
  });
  const send = button(
    'Send',
    () => {
      const content = input.value.trim();
      if (!content) return;
      // The field is free at once: what is typed while the answer is pending is a new draft, kept.
      input.value = '';
      void push({ openid, content }).then((ok) => {
        if (!ok && !input.value) input.value = content;
      });
    },
    { class: 'pv-oa__send' },
  );
  input.addEventListener('keydown', (event) => event.key === 'Enter' && send.click());
  const compose = el('div', { class: 'pv-oa__compose' });
  compose.append(input, send);
  const body = el('div', { class: 'pv-oa__body' });
  body.append(state, list, compose);
  panel.append(head, body);

  const notes = new Map<number, string>();
  let shown = '';
  let timer: ReturnType<typeof setInterval> | undefined;

  function setOpen(open: boolean): void {
    panel.dataset.open = String(open);
    toggle.textContent = open ? 'Hide' : '公众号';
    localStorage.setItem(OPEN_KEY, String(open));
    clearInterval(timer);
    if (open) {
      void refresh();
      timer = setInterval(() => void refresh(), POLL_MS);
    }
  }

  function render(person: Person): void {
    const key = JSON.stringify([person.follower.subscribed, person.written.length, person.received.length, notes.size]);
    if (key === shown) return;
    shown = key;
    follow.dataset.subscribed = String(person.follower.subscribed);
    follow.textContent = person.follower.subscribed ? 'Unfollow' : 'Follow';
    const items: Array<Written | Delivered> = [...person.written, ...person.received].sort((a, b) => a.at - b.at);
    list.replaceChildren();
    for (const item of items) {
      list.appendChild(bubble(item));
      const note = 'kind' in item ? undefined : notes.get(item.at);
      if (note) list.appendChild(el('div', { class: 'pv-oa__tries' }, note));
    }
    compose.hidden = !person.follower.subscribed;
    list.scrollTop = list.scrollHeight;
  }

  async function refresh(): Promise<void> {
    const response = await fetch(`/_/api/wechat/people/${encodeURIComponent(openid)}`).catch(() => undefined);
    if (response?.ok) render((await response.json()) as Person);
  }

  async function push(body: Record<string, string>): Promise<boolean> {
    follow.disabled = send.disabled = true;
    try {
      const response = await fetch('/_/api/oa/messages', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const answer = (await response.json()) as PushAnswer;
      if (!response.ok) {
        state.title = answer.message ?? `HTTP ${response.status}`;
        return false;
      }
      const person = await fetch(`/_/api/wechat/people/${encodeURIComponent(openid)}`).then(
        (r) => r.json() as Promise<Person>,
      );
      // What was just written is the newest entry: the tries go under it.
      const mine = person.written.at(-1);
      if (mine) notes.set(mine.at, describeTries(answer));
      render(person);
      return true;
    } finally {
      follow.disabled = send.disabled = false;
    }
  }

  setOpen(panel.dataset.open === 'true');
  return panel;
}
