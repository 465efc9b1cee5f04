/**
 * The inspector's Problems scan (`GET /_/api/problems`), which runs on each live refresh while
 * its tab is open: its time over 10k documents with 1% recording a fault, and at its cap of 5,000
 * documents in one collection, beside listing one page of that collection.
 */
import { startLocalCloud } from 'cloudbase-local';
import { percentile, timed, type Reporter } from './report';

const p50 = (xs: number[]): number =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

async function sample(url: string, times: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < times; i += 1) {
    out.push(
      await timed(async () => {
        const res = await fetch(url);
        if (!res.ok) throw new Error(`${url}: ${res.status}`);
        await res.arrayBuffer();
      }),
    );
  }
  return out;
}

export async function run(report: Reporter): Promise<void> {
  const cloud = await startLocalCloud({ port: 0, quiet: true });
  try {
    const docs = (n: number, name: string) =>
      Array.from({ length: n }, (_, i) => ({
        _openid: `o-${i % 100}`,
        title: `${name} ${i}`,
        updatedAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
        ...(i % 100 === 0 ? { remindError: { code: 'INVALID_DOCUMENT', message: 'title must be a string' } } : {}),
      }));
    for (const name of ['todos', 'messages']) {
      const all = docs(5000, name);
      for (let i = 0; i < all.length; i += 1000) await cloud.store.insert(name, all.slice(i, i + 1000));
    }
    await sample(`${cloud.url}/_/api/problems`, 2);
    const scan = await sample(`${cloud.url}/_/api/problems`, 10);
    report.latencies('problems scan, 2 collections x 5,000 docs, 1% faulty', scan);
    const page = await sample(`${cloud.url}/_/api/collections/todos/docs?size=50`, 10);
    report.latencies('one page of 50 documents, for comparison', page);
    report.figure('problems scan / one page (p50 ratio)', p50(scan) / p50(page), 'x');
  } finally {
    await cloud.close();
  }
}
