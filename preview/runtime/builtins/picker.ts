/** `<picker>`: a bottom sheet holding the web's own select / date / time fields. */
import { builtin } from './define';

type PickerValue = number | number[] | string;

export const picker = builtin('picker', (host) => ({
  properties: {
    mode: { type: String, value: 'selector' },
    disabled: { type: Boolean, value: false },
    range: { type: Array, value: [] },
    rangeKey: { type: String, value: '' },
    value: { type: null, value: 0 },
    start: { type: String, value: '' },
    end: { type: String, value: '' },
    fields: { type: String, value: 'day' },
    headerText: { type: String, value: '' },
  },
  bind(ctx) {
    ctx.el.addEventListener('click', () => {
      if (ctx.data.disabled) return;
      const mode = String(ctx.data.mode);
      const label = String(ctx.data.headerText || 'picker');
      const labelOf = (item: unknown): string =>
        ctx.data.rangeKey && typeof item === 'object' && item
          ? String((item as Record<string, unknown>)[String(ctx.data.rangeKey)])
          : String(item);
      let read: () => PickerValue;
      let field: HTMLElement;
      if (mode === 'selector' || mode === 'multiSelector') {
        const columns = (mode === 'selector' ? [ctx.data.range] : (ctx.data.range as unknown[])) as unknown[][];
        const values = mode === 'selector' ? [Number(ctx.data.value) || 0] : ((ctx.data.value as number[]) ?? []);
        field = document.createElement('div');
        field.className = 'pv-picker__columns';
        const selects = columns.map((column, c) => {
          const select = document.createElement('select');
          select.setAttribute('aria-label', `${label} ${c + 1}`);
          (column ?? []).forEach((item, i) => select.appendChild(new Option(labelOf(item), String(i))));
          select.value = String(values[c] ?? 0);
          select.addEventListener('change', () => {
            if (mode === 'multiSelector') ctx.trigger('columnchange', { column: c, value: Number(select.value) });
          });
          field.appendChild(select);
          return select;
        });
        read = () => (mode === 'selector' ? Number(selects[0].value) : selects.map((x) => Number(x.value)));
      } else if (mode === 'date' || mode === 'time') {
        const input = document.createElement('input');
        const fields = String(ctx.data.fields);
        input.type = mode === 'time' ? 'time' : fields === 'month' ? 'month' : fields === 'year' ? 'number' : 'date';
        input.setAttribute('aria-label', label);
        input.value = String(ctx.data.value ?? '');
        if (ctx.data.start) input.min = String(ctx.data.start);
        if (ctx.data.end) input.max = String(ctx.data.end);
        field = input;
        read = () => input.value;
      } else {
        host.unsupported(`<picker mode="${mode}">`);
        return;
      }
      void host.pickerSheet(label, field).then((ok) => {
        if (ok) ctx.trigger('change', { value: read() });
        else ctx.trigger('cancel', {});
      });
    });
  },
}));
