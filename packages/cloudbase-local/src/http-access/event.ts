/**
 * The integration request (集成请求) a function behind the HTTP access service receives:
 * `{ path, httpMethod, headers, multiValueHeaders, queryStringParameters, requestContext, body,
 * isBase64Encoded }`. A text body arrives as it is; any other body (an image, a protobuf) arrives
 * base64-encoded with `isBase64Encoded: true`.
 */
import type { IncomingMessage } from 'node:http';

export interface HttpAccessEvent {
  path: string;
  httpMethod: string;
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  queryStringParameters: Record<string, string>;
  requestContext: { requestId: string; envId: string; appId: number; uin: number };
  body: string;
  isBase64Encoded: boolean;
}

const TEXT_TYPE =
  /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|application\/[\w.+-]+\+(json|xml))/i;

/** Whether a body of this content type travels as text (else base64). */
export function isTextBody(contentType: string | undefined, body: Buffer): boolean {
  if (body.length === 0) return true;
  // Without a type, text is whatever decodes as UTF-8 and back unchanged.
  if (contentType === undefined) return Buffer.from(body.toString('utf8'), 'utf8').equals(body);
  return TEXT_TYPE.test(contentType.trim());
}

export function buildEvent(
  req: IncomingMessage,
  url: URL,
  subpath: string,
  body: Buffer,
  context: HttpAccessEvent['requestContext'],
): HttpAccessEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (!values) continue;
    headers[name] = values.join(',');
    multiValueHeaders[name] = [...values];
  }
  const text = isTextBody(headers['content-type'], body);
  return {
    path: subpath,
    httpMethod: req.method ?? 'GET',
    headers,
    multiValueHeaders,
    queryStringParameters: Object.fromEntries(url.searchParams),
    requestContext: context,
    body: text ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: !text,
  };
}
