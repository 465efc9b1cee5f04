/**
 * Import and export of the whole database as JSON lines, one file per collection
 * (`<collection>.jsonl`, one document per line), values in Extended JSON so Dates, RegExps and
 * non-finite numbers survive the round trip: the shape of Firebase's emulator exports, readable by
 * `mongoimport` too. Imports also read the CloudBase console's export (`<collection>.json`).
 */
import { COLLECTION_NAME } from './config';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Doc, DocumentStore } from './store/types';
import * as ejson from '../wire/ejson';

const EXTENSION = '.jsonl';

export interface ExportSummary {
  dir: string;
  collections: Record<string, number>;
}

export async function exportToDir(store: DocumentStore, dir: string): Promise<ExportSummary> {
  const data = await store.exportAll();
  fs.mkdirSync(dir, { recursive: true });
  const collections: Record<string, number> = {};
  for (const [name, docs] of Object.entries(data)) {
    const lines = docs.map((doc) => ejson.stringify(doc, { dates: 'iso' }));
    // Write then rename, so an interrupted export never leaves half a file behind.
    const target = path.join(dir, `${name}${EXTENSION}`);
    const temp = `${target}.tmp`;
    fs.writeFileSync(temp, lines.length ? `${lines.join('\n')}\n` : '');
    fs.renameSync(temp, target);
    collections[name] = docs.length;
  }
  return { dir, collections };
}

export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportError';
  }
}

/** CloudBase's console exports and imports a collection as JSON lines in a `.json` file. */
const CONSOLE_EXTENSION = '.json';

/**
 * Reads every `<collection>.jsonl` in `dir`, and every `<collection>.json` in the console's JSON
 * lines format; throws ImportError naming the file and line of bad input.
 */
export function readImportDir(dir: string): Record<string, Doc[]> {
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((name) => name.endsWith(EXTENSION) || name.endsWith(CONSOLE_EXTENSION));
  } catch (error) {
    throw new ImportError(`cannot read import folder ${dir}: ${(error as Error).message}`);
  }
  const data: Record<string, Doc[]> = {};
  const now = new Date();
  for (const file of names.sort()) {
    const collection = file.slice(0, file.lastIndexOf('.'));
    if (Object.prototype.hasOwnProperty.call(data, collection)) {
      throw new ImportError(
        `${collection}${EXTENSION} and ${collection}${CONSOLE_EXTENSION}: one collection, two files`,
      );
    }
    if (!COLLECTION_NAME.test(collection)) throw new ImportError(`${file}: not a valid collection name`);
    const docs: Doc[] = [];
    const lines = fs.readFileSync(path.join(dir, file), 'utf8').split('\n');
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      let doc: unknown;
      try {
        doc = ejson.parse(line, { now });
      } catch (error) {
        throw new ImportError(`${file}:${index + 1}: ${(error as Error).message}`);
      }
      if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
        throw new ImportError(`${file}:${index + 1}: each line must be one JSON object`);
      }
      docs.push(doc as Doc);
    });
    data[collection] = docs;
  }
  return data;
}

export async function importFromDir(store: DocumentStore, dir: string): Promise<Record<string, number>> {
  const data = readImportDir(dir);
  await store.importAll(data);
  return Object.fromEntries(Object.entries(data).map(([name, docs]) => [name, docs.length]));
}
