/**
 * The XML WeChat posts and the XML a passive reply is. Parsing goes through saxes (jsdom's strict
 * XML parser), which never expands a DTD: a DOCTYPE is refused outright, and so is any entity but
 * XML's five and character references, so no XXE or entity expansion can reach us. A message is
 * flat: `<xml>` holding one element per field, each once; nested elements (an event's extra
 * info) are kept as `Parent.Child`, the first of repeated ones.
 */
import { SaxesParser } from 'saxes';

export class XmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlError';
  }
}

const MAX_FIELDS = 64;
const MAX_DEPTH = 6;

/** The fields of a WeChat XML message, by element name. Throws XmlError on anything else. */
export function parseMessage(xml: string): Record<string, string> {
  const fields: Record<string, string> = {};
  const path: string[] = [];
  let text = '';
  let root = '';
  const parser = new SaxesParser({ xmlns: false });
  const refuse = (message: string): never => {
    throw new XmlError(message);
  };
  parser.on('doctype', () => refuse('a DOCTYPE is not accepted'));
  parser.on('error', (error) => refuse(error.message));
  parser.on('opentag', (tag) => {
    if (path.length === 0) root = tag.name;
    path.push(tag.name);
    if (path.length > MAX_DEPTH) refuse('the message is nested too deeply');
    text = '';
  });
  parser.on('text', (chunk) => (text += chunk));
  parser.on('cdata', (chunk) => (text += chunk));
  parser.on('closetag', () => {
    if (path.length > 1) {
      const key = path.slice(1).join('.');
      // Two FromUserName fields could mean two things to two readers: a field appears once.
      if (key in fields && path.length === 2) refuse(`the field ${key} appears twice`);
      if (!(key in fields)) {
        if (Object.keys(fields).length >= MAX_FIELDS) refuse('the message has too many fields');
        fields[key] = text.trim();
      }
    }
    path.pop();
    text = '';
  });
  try {
    parser.write(xml).close();
  } catch (error) {
    if (error instanceof XmlError) throw error;
    throw new XmlError(error instanceof Error ? error.message : String(error));
  }
  if (root !== 'xml') throw new XmlError('the root element must be <xml>');
  return fields;
}

/** Text as CDATA; a `]]>` inside is split across two sections, the one way CDATA can hold it. */
export function cdata(text: string): string {
  return `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

/** `<xml>` with the fields in order: numbers bare, text in CDATA. */
export function buildXml(fields: ReadonlyArray<[name: string, value: string | number]>): string {
  const body = fields.map(([name, value]) => `<${name}>${typeof value === 'number' ? value : cdata(value)}</${name}>`);
  return `<xml>${body.join('')}</xml>`;
}
