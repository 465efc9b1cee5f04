/**
 * What a pushed message says, and where it opens: the reminder template's configuration (the
 * morning plan uses the same template), the text cut to what template fields hold, and times in
 * words on the user's wall clock.
 */
import { wallOf, zoneOrDefault } from '../../shared/time';
import type { SubscribeMessage } from './channel';
import type { TodoDoc } from './store';

export interface RemindConfig {
  templateId: string;
  /** Template field keys, e.g. `thing1` for the title and `time2` for the due time. */
  titleField: string;
  timeField: string;
  /** Optional third field for the note (a `thing`, 20 characters). */
  noteField?: string;
  /** The page a tap on the message opens; the todo's id is added as `?id=`. */
  page: string;
  miniprogramState: 'formal' | 'trial' | 'developer';
}

/** Reads the function's environment; undefined when no template is configured. */
export function remindConfigFromEnv(env: Record<string, string | undefined>): RemindConfig | undefined {
  const templateId = env.REMIND_TEMPLATE_ID?.trim();
  if (!templateId) return undefined;
  const state = env.REMIND_MINIPROGRAM_STATE;
  return {
    templateId,
    titleField: env.REMIND_FIELD_TITLE || 'thing1',
    timeField: env.REMIND_FIELD_TIME || 'time2',
    ...(env.REMIND_FIELD_NOTE ? { noteField: env.REMIND_FIELD_NOTE } : {}),
    page: env.REMIND_PAGE || 'pages/todos/index',
    miniprogramState: state === 'trial' || state === 'developer' ? state : 'formal',
  };
}

/** A `thing` template value holds at most 20 characters. */
export const THING_MAX = 20;
/** Cuts to `max` characters (code points, as WeChat counts them), marking the cut. */
export function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** "2026年5月1日 09:00" on the wall clock of `zone`: the time the person set, as they set it. */
export function formatIn(date: Date, zone: string): string {
  const t = wallOf(date, zone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${t.year}年${t.month}月${t.day}日 ${pad(t.hour)}:${pad(t.minute)}`;
}

export function messageFor(doc: TodoDoc, config: RemindConfig): SubscribeMessage {
  const data: SubscribeMessage['data'] = {
    [config.titleField]: { value: cut(doc.title, THING_MAX) },
    [config.timeField]: {
      value: formatIn(new Date(doc.dueAt ?? doc.remindAt ?? doc.createdAt), zoneOrDefault(doc.zone)),
    },
  };
  if (config.noteField) data[config.noteField] = { value: cut(doc.note || '无备注', THING_MAX) };
  return {
    touser: doc._openid,
    templateId: config.templateId,
    page: `${config.page}?id=${doc._id}`,
    data,
    miniprogramState: config.miniprogramState,
    lang: 'zh_CN',
  };
}
