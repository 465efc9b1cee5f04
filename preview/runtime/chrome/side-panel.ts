/** The desk beside the phone: the dev-user switcher and the buttons for what a phone does by itself. */
import { isDevOpenid, type DevUsers } from '../dev-users';
import { button, el } from './dom';

export interface SidePanelActions {
  switchUser(openid: string): void;
  pullDown(): void;
  share(): void;
  background(): void;
  foreground(): void;
}

/** `users.list` are the dev users to offer; `users.current` the one the preview acts as. */
export function sidePanel(actions: SidePanelActions, users: DevUsers): HTMLElement {
  const side = el('aside', { class: 'pv-side', 'aria-label': 'Preview controls' });
  side.appendChild(el('strong', { class: 'pv-title' }, 'Mini-program preview'));
  side.appendChild(
    el(
      'p',
      { class: 'pv-note' },
      'glass-easel in a browser, against the local cloud. Not WeChat: check on a device before release.',
    ),
  );

  const userLabel = el('label', { class: 'pv-field' }, 'Dev user ');
  const userSelect = el('select', { 'aria-label': 'Dev user' });
  for (const id of users.list) userSelect.appendChild(el('option', { value: id }, id));
  userSelect.value = users.current;
  userSelect.addEventListener('change', () => actions.switchUser(userSelect.value));
  userLabel.appendChild(userSelect);
  side.appendChild(userLabel);
  const addUser = (): void => {
    const name = window.prompt('openid for the new dev user', `dev_user_${Date.now().toString(36)}`);
    if (name && isDevOpenid(name)) actions.switchUser(name);
  };
  side.appendChild(button('New dev user', addUser));

  const buttons: Array<[string, () => void]> = [
    ['Pull-down refresh', () => actions.pullDown()],
    ['Share (menu)', () => actions.share()],
    ['App to background', () => actions.background()],
    ['App to foreground', () => actions.foreground()],
  ];
  const group = el('div', { class: 'pv-buttons' });
  for (const [label, run] of buttons) group.appendChild(button(label, run));
  side.appendChild(group);
  const links = el('p', { class: 'pv-note' });
  links.appendChild(el('a', { href: '/_/', target: '_blank' }, 'Local cloud inspector'));
  side.appendChild(links);
  return side;
}
