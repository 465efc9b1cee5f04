/**
 * CloudBase's own models: the chat engine pointed at an environment's OpenAI-compatible endpoint,
 * `https://<ENV_ID>.api.tcloudbasegateway.com/v1/ai/cloudbase/v1` with the environment's API key
 * as a Bearer token, here a scripted loopback server answering under the same path (and 404
 * anywhere else), so the engine must compose `<base>/chat/completions` under the prefix.
 */
import type { LocalCloud } from 'cloudbase-local';
import { chatOk } from '../helpers/chat';
import { startTestCloud } from '../helpers/local-cloud';
import { startModelServer, textReply, toolReply, type ModelServer } from '../helpers/model-server';

jest.setTimeout(60_000);

const ROOT = '/v1/ai/cloudbase/v1';
let model: ModelServer;
let cloud: LocalCloud;

beforeAll(async () => {
  model = await startModelServer({ root: ROOT });
  cloud = await startTestCloud({
    functionEnv: {
      // As the README's table writes it, trailing slash and all.
      MODEL_BASE_URL: `${model.baseUrl}/`,
      MODEL_NAME: 'deepseek-v4-flash',
      MODEL_API_KEY: 'env-api-key-not-real',
      CHAT_FLUSH_MS: '50',
    },
  });
}, 120_000);
afterAll(async () => {
  await cloud?.close();
  await model?.close();
});

it('streams a reply from <base>/chat/completions with the environment API key as a Bearer token', async () => {
  model.script(textReply('你好，我是云开发的模型。'));
  const sent = await chatOk(cloud, 'send', { text: '你好' }, 'o-cloudbase-ai');
  expect(sent.reply).toMatchObject({ status: 'done', text: '你好，我是云开发的模型。' });
  const [request] = model.requests;
  expect(request.path).toBe(`${ROOT}/chat/completions`);
  expect(request.headers.authorization).toBe('Bearer env-api-key-not-real');
  expect(request.body).toMatchObject({ model: 'deepseek-v4-flash', stream: true });
});

it('runs the todo tools through the same endpoint', async () => {
  model.script(toolReply({ name: 'list_todos', arguments: {} }), textReply('没有待办。'));
  const before = model.requests.length;
  const sent = await chatOk(cloud, 'send', { text: '我有什么待办？' }, 'o-cloudbase-ai-tools');
  expect(sent.reply).toMatchObject({ status: 'done', text: '没有待办。' });
  expect(model.requests.slice(before).map((r) => r.path)).toEqual([
    `${ROOT}/chat/completions`,
    `${ROOT}/chat/completions`,
  ]);
});
