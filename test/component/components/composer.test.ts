/** The chat composer: it reports edits, sends trimmed text, and never sends a blank message. */
import { eventually } from '../../helpers/eventually';
import { tap } from '../helpers/dom';
import { launchApp, renderComponent, resetMiniProgram, type Rendered } from '../helpers/miniprogram';

function open(props: Record<string, unknown>): { composer: Rendered; events: Array<[string, unknown]> } {
  const composer = renderComponent('subpackages/chat/composer/index', { sendText: '发送', ...props });
  const events: Array<[string, unknown]> = [];
  const instance = composer.instance as unknown as { triggerEvent(name: string, detail?: unknown): void };
  const original = instance.triggerEvent.bind(instance);
  instance.triggerEvent = (name, detail) => {
    events.push([name, detail]);
    original(name, detail);
  };
  return { composer, events };
}

describe('composer', () => {
  beforeEach(() => {
    resetMiniProgram();
    launchApp();
  });

  it('reports what is typed and sends it trimmed', async () => {
    const { composer, events } = open({ value: '  你好  ' });
    composer.querySelector('#composer-input')!.dispatchEvent('change', { detail: '你好呀' });
    tap(composer, '#composer-send');
    await eventually(() => events.length === 2, 'both events');
    expect(events).toEqual([
      ['change', '你好呀'],
      ['send', '你好'],
    ]);
  });

  it('sends nothing blank, and nothing while disabled', () => {
    const blank = open({ value: ' \n ' });
    tap(blank.composer, '#composer-send');
    (blank.composer.instance as unknown as { onSend(): void }).onSend();
    expect(blank.events).toEqual([]);
    const disabled = open({ value: '你好', disabled: true });
    (disabled.composer.instance as unknown as { onSend(): void }).onSend();
    expect(disabled.events).toEqual([]);
  });

  it('shows the count near the limit instead of cutting, and sends nothing over it', () => {
    const short = open({ value: '你好', maxlength: 20 });
    expect(short.composer.dom!.textContent).not.toContain('/20');
    const near = open({ value: '一'.repeat(19), maxlength: 20 });
    expect(near.composer.dom!.textContent).toContain('19/20');
    // Counted as people count characters: an emoji is one.
    const over = open({ value: '😀'.repeat(21), maxlength: 20 });
    expect(over.composer.dom!.textContent).toContain('21/20');
    expect(over.composer.dom!.innerHTML).toContain('composer__counter--over');
    (over.composer.instance as unknown as { onSend(): void }).onSend();
    expect(over.events).toEqual([]);
    // Nothing typed is cut by the field itself.
    expect(over.composer.dom!.innerHTML).not.toContain('maxlength="20"');
  });
});
