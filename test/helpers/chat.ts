/**
 * The chat function in the local cloud against a scripted model server: start both, call the
 * function as a user, and wait on the database's change feed for a message to reach a state.
 */
import type { Doc, LocalCloud } from 'cloudbase-local';
import type { ChatActions } from '../../typings/chat';
import type { ApiResult } from '../../typings/contract';
import { invoke, startTestCloud } from './local-cloud';
import { startModelServer, withModel, type WithModel } from './model-server';

export type ChatRig = WithModel<LocalCloud>;

/**
 * Replies are written every 50 ms here so tests see several writes without waiting long. `env`
 * adds to the functions' environment; as a function, it is given the local cloud's URL.
 */
export async function startChatRig(
  env: Record<string, string> | ((url: string) => Record<string, string>) = {},
): Promise<ChatRig> {
  const model = await startModelServer();
  const cloud = await startTestCloud({
    functionEnv: (url) => ({
      MODEL_BASE_URL: model.baseUrl,
      MODEL_NAME: 'scripted-model',
      MODEL_API_KEY: 'sk-test',
      MODEL_TIMEOUT_MS: '2000',
      CHAT_FLUSH_MS: '50',
      CHAT_WORDS_TTL_MS: '0',
      ...(typeof env === 'function' ? env(url) : env),
    }),
  });
  return withModel(cloud, model);
}

type Actions = ChatActions;
type Name = keyof Actions;

/** Calls one action of `chat` as `openid` and answers the contract's result. */
export function chat<A extends Name>(
  cloud: LocalCloud,
  action: A,
  request: Actions[A]['request'],
  openid = 'o-alice',
): Promise<ApiResult<Actions[A]['response']>> {
  return invoke<ApiResult<Actions[A]['response']>>(cloud, 'chat', { action, ...request }, { openid });
}

/** Like chat(), for calls expected to succeed: the data, or a thrown error naming what came back. */
export async function chatOk<A extends Name>(
  cloud: LocalCloud,
  action: A,
  request: Actions[A]['request'],
  openid = 'o-alice',
): Promise<Actions[A]['response']> {
  const result = await chat(cloud, action, request, openid);
  if (!result.ok) throw new Error(`chat.${action} failed: ${JSON.stringify(result)}`);
  return result.data;
}

/**
 * Resolves with the first document of `collection` matching `query` that satisfies `predicate`,
 * now or after a later write (the store's change feed), so a test waits for a state, not a time.
 */
export async function waitForDoc(
  cloud: LocalCloud,
  collection: string,
  query: Record<string, unknown>,
  predicate: (doc: Doc) => boolean,
  timeoutMs = 10_000,
): Promise<Doc> {
  return new Promise<Doc>((resolve, reject) => {
    let done = false;
    const finish = (doc: Doc | undefined, error?: Error) => {
      if (done || (!doc && !error)) return;
      done = true;
      clearTimeout(timer);
      unsubscribe();
      if (error) reject(error);
      else resolve(doc as Doc);
    };
    const look = () =>
      cloud.store.find(collection, query).then(
        (docs) => finish(docs.find(predicate)),
        (error: Error) => finish(undefined, error),
      );
    const timer = setTimeout(
      () => finish(undefined, new Error(`no ${collection} document matched within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const unsubscribe = cloud.store.onChange((change) => {
      if (change.collection === collection) void look();
    });
    void look();
  });
}

/** Every insert and update in `collection`, as the change feed reports them, until `stop()`. */
export function recordWrites(cloud: LocalCloud, collection: string) {
  const writes: Array<{ at: number; id: string; type: string; doc: Doc }> = [];
  const stop = cloud.store.onChange((change) => {
    if (change.collection === collection && change.type !== 'remove') {
      writes.push({ at: performance.now(), id: String(change.id), type: change.type, doc: change.doc });
    }
  });
  return { writes, of: (id: string) => writes.filter((w) => w.id === id), stop };
}

/** The conversation's messages as stored, oldest first. */
export function storedMessages(cloud: LocalCloud, conversationId: string): Promise<Doc[]> {
  return cloud.store.find('messages', { conversationId }, { sort: [['createdAt', 1]] });
}
