/**
 * The HTTP access service: functions reached over plain HTTP at /http/<path> by the routes given,
 * with CloudBase's integration request in and its response rules out.
 */
import type { LocalCloud } from '../../packages/cloudbase-local/src';
import type { HttpAccessEvent } from '../../packages/cloudbase-local/src/http-access';
import { startTestCloud } from '../fixtures/emulator/harness';
import { eventually } from '../helpers/eventually';

jest.setTimeout(30_000);

let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startTestCloud({
    httpRoutes: [
      { path: '/echo', function: 'httpecho' },
      { path: '/echo/deep/', function: 'echo' },
      { path: '/slow', function: 'slow' },
      { path: '/gone', function: 'nothing_here' },
    ],
    bodyLimitBytes: 256 * 1024,
  });
}, 120_000);

afterAll(async () => {
  await cloud?.close();
});

type EchoedEvent = HttpAccessEvent;

async function echoed(path: string, init: RequestInit = {}): Promise<EchoedEvent> {
  const response = await fetch(`${cloud.url}/http${path}`, init);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  return ((await response.json()) as { event: EchoedEvent }).event;
}

describe('the integration request', () => {
  it('carries the path below the route, method, headers, query and a text body as it is', async () => {
    const event = await echoed('/echo/a/b?x=1&y=two', {
      method: 'POST',
      headers: { 'content-type': 'application/xml', 'x-custom': 'yes' },
      body: '<xml><Content>你好</Content></xml>',
    });
    expect(event).toMatchObject({
      path: '/a/b',
      httpMethod: 'POST',
      queryStringParameters: { x: '1', y: 'two' },
      body: '<xml><Content>你好</Content></xml>',
      isBase64Encoded: false,
      requestContext: { envId: 'local', appId: expect.any(Number), uin: expect.any(Number) },
    });
    expect(event.headers).toMatchObject({ 'content-type': 'application/xml', 'x-custom': 'yes' });
    expect(event.multiValueHeaders['x-custom']).toEqual(['yes']);
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('the route itself is path "/", and a GET has an empty body', async () => {
    const event = await echoed('/echo');
    expect(event).toMatchObject({ path: '/', httpMethod: 'GET', body: '', isBase64Encoded: false });
    expect(event.queryStringParameters).toEqual({});
  });

  it('a binary body arrives base64-encoded', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252]);
    const event = await echoed('/echo', {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body, 'base64')).toEqual(bytes);
  });

  it('the longest route wins, and a trailing slash in a route does not matter', async () => {
    const response = await fetch(`${cloud.url}/http/echo/deep/er`);
    const { event } = (await response.json()) as { event: EchoedEvent };
    expect(event.path).toBe('/er');
    // The plain echo function answered: it adds the caller's identity, which HTTP access has none of.
    expect(await (await fetch(`${cloud.url}/http/echo/deep`)).json()).toMatchObject({ openid: null });
  });

  it('records the invocation with source http', async () => {
    await echoed('/echo?record=1');
    const [latest] = cloud.functions.recent(1);
    expect(latest).toMatchObject({ name: 'httpecho', source: 'http', outcome: 'ok' });
    const listed = (await (await fetch(`${cloud.url}/_/api/invocations?limit=1`)).json()) as {
      invocations: Array<{ source?: string }>;
    };
    expect(listed.invocations[0].source).toBe('http');
  });
});

describe('the response', () => {
  const get = (as: string): Promise<Response> => fetch(`${cloud.url}/http/echo?as=${as}`, { redirect: 'manual' });

  it('a string or a number is text/plain', async () => {
    const text = await get('string');
    expect(text.status).toBe(200);
    expect(text.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await text.text()).toBe('hello gateway');
    expect(await (await get('number')).text()).toBe('42');
  });

  it('an object is JSON', async () => {
    const json = await get('object');
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await json.text()).toBe('{"foo":"bar"}');
  });

  it('an integration response sets status, headers and body; text types get a charset', async () => {
    const html = await get('html');
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await html.text()).toBe('<h1>Hello</h1>');

    const teapot = await get('teapot');
    expect(teapot.status).toBe(418);
    expect(await teapot.json()).toEqual({ short: 'and stout' });

    const redirect = await get('redirect');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/http/echo?as=string');
    expect(redirect.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
  });

  it('isBase64Encoded answers the decoded bytes with the type as given', async () => {
    const png = await get('png');
    expect(png.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(await png.arrayBuffer());
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.headers.get('content-length')).toBe(String(bytes.length));
  });
});

describe('failures answer CloudBase gateway codes', () => {
  const failure = async (
    path: string,
    init: RequestInit = {},
  ): Promise<[number, { code: string; message: string }]> => {
    const response = await fetch(`${cloud.url}/http${path}`, init);
    return [response.status, (await response.json()) as { code: string; message: string }];
  };

  it('no route: 404 INVALID_PATH', async () => {
    expect(await failure('/nowhere')).toEqual([404, expect.objectContaining({ code: 'INVALID_PATH' })]);
    expect(await failure('/echoes')).toEqual([404, expect.objectContaining({ code: 'INVALID_PATH' })]);
  });

  it('a route to a missing function: 404 FUNCTION_NOT_FOUND', async () => {
    expect(await failure('/gone')).toEqual([404, expect.objectContaining({ code: 'FUNCTION_NOT_FOUND' })]);
  });

  it('a function that throws, or answers a bad status: 500 FUNCTION_INVOCATION_FAILED', async () => {
    const [status, body] = await failure('/echo?as=throw');
    expect(status).toBe(500);
    expect(body).toMatchObject({ code: 'FUNCTION_INVOCATION_FAILED', message: expect.stringContaining('deliberate') });
    expect(await failure('/echo?as=bad-status')).toEqual([
      500,
      expect.objectContaining({
        code: 'FUNCTION_INVOCATION_FAILED',
        message: expect.stringContaining('statusCode 42'),
      }),
    ]);
  });

  it('past the function timeout: 504 FUNCTION_TIME_LIMIT_EXCEEDED', async () => {
    expect(await failure('/slow')).toEqual([504, expect.objectContaining({ code: 'FUNCTION_TIME_LIMIT_EXCEEDED' })]);
  });

  it('a text body over 100 KB, or any body over the body limit: 413 EXCEED_MAX_PAYLOAD_SIZE, without running the function', async () => {
    const before = cloud.functions.recent(1)[0]?.id;
    const text = await failure('/echo', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x'.repeat(101 * 1024),
    });
    expect(text).toEqual([413, expect.objectContaining({ code: 'EXCEED_MAX_PAYLOAD_SIZE' })]);
    const binary = await failure('/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: Buffer.alloc(300 * 1024, 7),
    });
    expect(binary).toEqual([413, expect.objectContaining({ code: 'EXCEED_MAX_PAYLOAD_SIZE' })]);
    expect(cloud.functions.recent(1)[0]?.id).toBe(before);
    // A binary body under the body limit but over the text limit is fine.
    const event = await echoed('/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: Buffer.alloc(150 * 1024, 7),
    });
    expect(Buffer.from(event.body, 'base64').length).toBe(150 * 1024);
  });

  it('an invocation runs on when its caller hangs up', async () => {
    const controller = new AbortController();
    const startedAt = new Date();
    const call = fetch(`${cloud.url}/http/echo?as=wait&ms=400`, { signal: controller.signal });
    await eventually(() => cloud.functions.instances('httpecho').busy === 1);
    controller.abort();
    await expect(call).rejects.toThrow();
    const finished = (): boolean =>
      cloud.functions.recent(5).some((r) => r.name === 'httpecho' && r.startedAt >= startedAt && r.durationMs >= 400);
    await eventually(finished);
    expect(cloud.functions.recent(1)[0]).toMatchObject({ name: 'httpecho', outcome: 'ok', source: 'http' });
  });
});

describe('routes as options', () => {
  it('a bad or repeated path stops the start with a clear error', async () => {
    await expect(startTestCloud({ httpRoutes: [{ path: 'oa', function: 'oa' }] })).rejects.toThrow(
      /must start with \//,
    );
    await expect(
      startTestCloud({
        httpRoutes: [
          { path: '/oa', function: 'a' },
          { path: '/oa/', function: 'b' },
        ],
      }),
    ).rejects.toThrow(/declared twice/);
  });

  it('GET /_/api/http-routes lists them', async () => {
    const listed = await (await fetch(`${cloud.url}/_/api/http-routes`)).json();
    expect(listed).toEqual({
      routes: expect.arrayContaining([
        { path: '/echo', function: 'httpecho', url: '/http/echo' },
        { path: '/echo/deep', function: 'echo', url: '/http/echo/deep' },
      ]),
    });
  });
});
