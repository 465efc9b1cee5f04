/**
 * A function's return value as the HTTP access service answers it: a string or number is
 * text/plain; an object with a numeric `statusCode` is an integration response (集成响应:
 * `{ statusCode, headers, body, isBase64Encoded }`); anything else is JSON. Text bodies get
 * `charset=utf-8` added to their content type, as CloudBase's gateway does.
 */

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

export class BadIntegrationResponse extends Error {
  constructor(message: string) {
    super(`the function returned an invalid integration response: ${message}`);
    this.name = 'BadIntegrationResponse';
  }
}

const TEXT_PLAIN = 'text/plain; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';
const CHARSET_TYPES = /^(text\/|application\/(json|javascript|xml)\b)/i;

function withCharset(type: string): string {
  return CHARSET_TYPES.test(type) && !/charset=/i.test(type) ? `${type}; charset=utf-8` : type;
}

function isIntegration(value: unknown): value is Record<string, unknown> & { statusCode: number } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as Record<string, unknown>).statusCode === 'number'
  );
}

function integrationHeaders(raw: unknown): Record<string, string | string[]> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new BadIntegrationResponse('headers must be an object');
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    const key = name.toLowerCase();
    if (key === 'content-length' || key === 'transfer-encoding' || key === 'connection') continue;
    if (Array.isArray(value)) headers[key] = value.map(String);
    else if (['string', 'number', 'boolean'].includes(typeof value)) headers[key] = String(value);
    else throw new BadIntegrationResponse(`header ${name} must be a string`);
  }
  return headers;
}

export function toHttpAnswer(result: unknown): HttpAnswer {
  if (typeof result === 'string' || typeof result === 'number') {
    return { status: 200, headers: { 'content-type': TEXT_PLAIN }, body: Buffer.from(String(result)) };
  }
  if (!isIntegration(result)) {
    return { status: 200, headers: { 'content-type': JSON_TYPE }, body: Buffer.from(JSON.stringify(result ?? null)) };
  }
  const { statusCode, body, isBase64Encoded } = result;
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    throw new BadIntegrationResponse(`statusCode ${statusCode} is not an HTTP status`);
  }
  const headers = integrationHeaders(result.headers);
  let bytes: Buffer;
  if (body === undefined || body === null) bytes = Buffer.alloc(0);
  else if (typeof body === 'string') bytes = isBase64Encoded === true ? Buffer.from(body, 'base64') : Buffer.from(body);
  else {
    bytes = Buffer.from(JSON.stringify(body));
    headers['content-type'] ??= JSON_TYPE;
  }
  const type = headers['content-type'];
  if (typeof type === 'string' && isBase64Encoded !== true) headers['content-type'] = withCharset(type);
  return { status: statusCode, headers, body: bytes };
}
