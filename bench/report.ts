/** What every benchmark prints: named figures with units, and latency summaries. */
export interface Reporter {
  figure(name: string, value: number, unit: string): void;
  latencies(name: string, samplesMs: number[]): void;
  note(text: string): void;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function consoleReporter(): Reporter {
  const fmt = (n: number): string => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2));
  return {
    figure(name, value, unit) {
      console.log(`  ${name.padEnd(56)} ${fmt(value).padStart(10)} ${unit}`);
    },
    latencies(name, samples) {
      const sorted = [...samples].sort((a, b) => a - b);
      const p50 = percentile(sorted, 50);
      const p99 = percentile(sorted, 99);
      console.log(
        `  ${name.padEnd(56)} p50 ${fmt(p50).padStart(8)} ms   p99 ${fmt(p99).padStart(8)} ms   (n=${samples.length})`,
      );
    },
    note(text) {
      console.log(`  ${text}`);
    },
  };
}

/** Milliseconds spent in `work`, by the monotonic clock. */
export async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}
