/**
 * The XML between WeChat and a server URL: messages as WeChat writes them (text in CDATA, numbers
 * bare) and the replies it reads back, parsed strictly (saxes; no DTD) into their fields.
 */
import { SaxesParser } from 'saxes';

export type XmlFields = Array<[string, string | number]>;

const wrap = (value: string): string => `<![CDATA[${value.split(']]>').join(']]]]><![CDATA[>')}]]>`;

export function toXml(fields: XmlFields): string {
  let xml = '<xml>';
  for (const [name, value] of fields)
    xml += `<${name}>${typeof value === 'number' ? String(value) : wrap(value)}</${name}>\n`;
  return `${xml}</xml>`;
}

/** The children of `<xml>` by name, nested ones as `A.B`; throws on anything that is not such XML. */
export function readXml(xml: string): Record<string, string> {
  const out: Record<string, string> = {};
  const open: Array<{ name: string; text: string }> = [];
  const sax = new SaxesParser();
  sax.on('doctype', () => {
    throw new Error('DOCTYPE in a reply');
  });
  sax.on('error', (error) => {
    throw error;
  });
  sax.on('opentag', ({ name }) => open.push({ name, text: '' }));
  const add = (chunk: string): void => {
    const top = open.at(-1);
    if (top) top.text += chunk;
  };
  sax.on('text', add);
  sax.on('cdata', add);
  sax.on('closetag', () => {
    const done = open.pop();
    if (done && open.length > 0) out[[...open.slice(1).map((o) => o.name), done.name].join('.')] = done.text.trim();
  });
  sax.write(xml).close();
  return out;
}
