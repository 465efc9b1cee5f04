/**
 * The two protobuf messages of `wx.openApi` (wx-server-sdk 4.0.2, src/protobuf/openapi.js), read and
 * written by hand: the request part `requestData` is a CommApiData, the answer a CommOpenApiResp.
 *
 *   CommApiData     { 1 apiType:int32, 2 openapiData:OpenApiData, 6 appid:string, (3,4,5 other api types) }
 *   OpenApiData     { 1 pairs:repeated KeyValuePair }
 *   KeyValuePair    { 1 key:string, 2 value:bytes, 3 contenttype:string, 4 filename:string }
 *   CommOpenApiResp { 1 respData:bytes, 2 contentType:string, 3 errorCode:int32, 4 httpCode:uint32 }
 */
import { invalidParam } from '../wire/errors';
import { JsonDepthError, parseJson } from '../wire/json';

export class ProtobufError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtobufError';
  }
}

interface Field {
  no: number;
  wire: number;
  varint?: bigint;
  bytes?: Buffer;
}

function readVarint(buf: Buffer, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (let i = pos; i < buf.length && shift < 70n; i++) {
    const byte = buf[i];
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, i + 1];
    shift += 7n;
  }
  throw new ProtobufError('truncated varint');
}

function readFields(buf: Buffer): Field[] {
  const fields: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [tag, next] = readVarint(buf, pos);
    pos = next;
    const no = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (wire === 0) {
      const [value, after] = readVarint(buf, pos);
      fields.push({ no, wire, varint: value });
      pos = after;
    } else if (wire === 2) {
      const [len, after] = readVarint(buf, pos);
      const end = after + Number(len);
      if (end > buf.length) throw new ProtobufError('truncated length-delimited field');
      fields.push({ no, wire, bytes: buf.subarray(after, end) });
      pos = end;
    } else if (wire === 1) {
      pos += 8;
    } else if (wire === 5) {
      pos += 4;
    } else {
      throw new ProtobufError(`unsupported wire type ${wire}`);
    }
    if (pos > buf.length) throw new ProtobufError('truncated field');
  }
  return fields;
}

export interface KeyValuePair {
  key: string;
  value: Buffer;
  contentType?: string;
  filename?: string;
}

export interface CommApiData {
  apiType: number;
  pairs: KeyValuePair[];
  appid?: string;
}

export function decodeCommApiData(buf: Buffer): CommApiData {
  const out: CommApiData = { apiType: 0, pairs: [] };
  for (const field of readFields(buf)) {
    if (field.no === 1 && field.varint !== undefined) out.apiType = Number(BigInt.asIntN(32, field.varint));
    else if (field.no === 6 && field.bytes) out.appid = field.bytes.toString('utf8');
    else if (field.no === 2 && field.bytes) {
      for (const pairField of readFields(field.bytes)) {
        if (pairField.no !== 1 || !pairField.bytes) continue;
        const pair: KeyValuePair = { key: '', value: Buffer.alloc(0) };
        for (const kv of readFields(pairField.bytes)) {
          if (!kv.bytes) continue;
          if (kv.no === 1) pair.key = kv.bytes.toString('utf8');
          else if (kv.no === 2) pair.value = Buffer.from(kv.bytes);
          else if (kv.no === 3) pair.contentType = kv.bytes.toString('utf8');
          else if (kv.no === 4) pair.filename = kv.bytes.toString('utf8');
        }
        out.pairs.push(pair);
      }
    }
  }
  return out;
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  // int32 negatives are sign-extended to 64 bits, as protobufjs writes them.
  let v = BigInt.asUintN(64, BigInt(value));
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    bytes.push(byte);
  } while (v > 0n);
  return Buffer.from(bytes);
}

const tag = (no: number, wire: number): Buffer => varint((no << 3) | wire);
const lengthDelimited = (no: number, data: Buffer): Buffer => Buffer.concat([tag(no, 2), varint(data.length), data]);

export interface CommOpenApiResp {
  respData: Buffer;
  contentType: string;
  errorCode?: number;
  httpCode?: number;
}

export function encodeCommOpenApiResp(resp: CommOpenApiResp): Buffer {
  const parts = [lengthDelimited(1, resp.respData), lengthDelimited(2, Buffer.from(resp.contentType, 'utf8'))];
  if (resp.errorCode) parts.push(tag(3, 0), varint(resp.errorCode));
  if (resp.httpCode !== undefined) parts.push(tag(4, 0), varint(resp.httpCode));
  return Buffer.concat(parts);
}

/**
 * The arguments of one call: each pair's value is `JSONBigInt.stringify(value)` of the snake_cased
 * argument; media arguments (`{contentType, value: Buffer}`) arrive as raw bytes with a content
 * type and file name instead.
 */
export function pairsToPayload(pairs: KeyValuePair[]): Record<string, unknown> {
  const entries = pairs.map(({ key, value, contentType, filename }): [string, unknown] => {
    if (contentType) return [key, { contentType, filename, size: value.length }];
    const text = value.toString('utf8');
    try {
      return [key, parseJson(text)];
    } catch (error) {
      if (error instanceof JsonDepthError) throw invalidParam(`${key}: ${error.message}`);
      return [key, text];
    }
  });
  return Object.fromEntries(entries);
}
