/**
 * What WeChat answers to `cloud.openapi.*` calls (the SDK's door). msgSecCheck is decided by the
 * word list; the sends succeed unless a failure was injected; an API not emulated answers ok.
 */
import { randomBytes } from 'node:crypto';
import { wxOk, type WxAnswer } from './errors';
import type { People } from './people';
import { msgSecCheck } from './security';
import type { WordList } from './words';

const traceId = (): string => randomBytes(12).toString('hex');

export function answerOpenApi(
  apiName: string,
  payload: Record<string, unknown>,
  state: { words: WordList; people: People },
): WxAnswer {
  switch (apiName) {
    case 'security.msgSecCheck':
      return msgSecCheck(payload, state.words, state.people);
    case 'security.mediaCheckAsync':
      return wxOk({ trace_id: traceId() });
    case 'urlscheme.generate':
      return wxOk({ openlink: `weixin://dl/business/?t=${traceId().slice(0, 11)}` });
    case 'urllink.generate':
      return wxOk({ url_link: `https://wxaurl.cn/${traceId().slice(0, 12)}` });
    default:
      // subscribeMessage.send, customerServiceMessage.send, uniformMessage.send, imgSecCheck ...
      return wxOk();
  }
}
