/**
 * msgSecCheck, for `cloud.openapi.security.msgSecCheck` and `POST /wxa/msg_sec_check` alike.
 * v1 answers 87014 for risky text; v2 answers errcode 0 with `result.suggest` (pass, review or
 * risky) and needs the openid of a mini-program user and a scene from 1 to 4. The word list
 * decides (WeChat's own model is not emulated); the "used the mini-program in the last 2 hours"
 * rule is not enforced.
 */
import { randomBytes } from 'node:crypto';
import { WxFailure, wxOk, type WxAnswer } from './errors';
import type { People } from './people';
import type { WordList } from './words';

const MAX_CONTENT = 2500;

export function msgSecCheck(payload: Record<string, unknown>, words: WordList, people: People): WxAnswer {
  const content = payload.content;
  if (typeof content !== 'string' || content === '') throw new WxFailure(44004);
  if (content.length > MAX_CONTENT) throw new WxFailure(47001, `content longer than ${MAX_CONTENT} characters`);
  const verdict = words.verdict(content);
  if (payload.version !== 2) {
    if (verdict.suggest === 'risky') throw new WxFailure(87014);
    return wxOk();
  }
  const scene = payload.scene;
  if (typeof scene !== 'number' || !Number.isInteger(scene) || scene < 1 || scene > 4) throw new WxFailure(40129);
  const openid = payload.openid;
  if (typeof openid !== 'string' || !people.miniProgram(openid)) throw new WxFailure(40003);
  const { suggest, label, keyword } = verdict;
  return wxOk({
    result: { suggest, label },
    detail: [
      { strategy: 'content_model', errcode: 0, suggest, label, prob: suggest === 'pass' ? 0 : 90 },
      keyword === undefined
        ? { strategy: 'keyword', errcode: 0, suggest, label }
        : { strategy: 'keyword', errcode: 0, suggest, label, level: 20, keyword },
    ],
    trace_id: randomBytes(12).toString('hex'),
  });
}
