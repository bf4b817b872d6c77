import os from 'node:os';

/** One table of figures in bench/RESULTS.md. */
export interface BenchTable {
  title: string;
  columns: string[];
  rows: (string | number)[][];
  /** Plain sentences printed under the table: what limits a figure, what a ratio compares. */
  notes?: string[];
}

/** A named group of benchmarks; `npm run bench -- --only NAME` runs one. */
export interface BenchSuite {
  name: string;
  /** Larger problem sizes are skipped when `quick` is set (CI smoke runs). */
  run(options: { quick: boolean }): Promise<BenchTable[]>;
}

/** The machine line printed at the top of RESULTS.md. */
export function describeMachine(): string {
  const cpus = os.cpus();
  const gib = (os.totalmem() / 2 ** 30).toFixed(1);
  return `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} logical cores, ${gib} GiB RAM, ${os.platform()} ${os.release()}, Node ${process.version}`;
}

/** Formats a number with three significant digits, in exponent form past 1e6. */
export function sig(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1e6 || (Math.abs(value) < 1e-3 && value !== 0)) return value.toExponential(2);
  return Number(value.toPrecision(3)).toString();
}

export function renderTable(table: BenchTable): string {
  const lines = [`### ${table.title}`, '', `| ${table.columns.join(' | ')} |`, `|${table.columns.map(() => ' --- ').join('|')}|`];
  for (const row of table.rows) lines.push(`| ${row.map((cell) => (typeof cell === 'number' ? sig(cell) : cell)).join(' | ')} |`);
  if (table.notes?.length) lines.push('', ...table.notes);
  return lines.join('\n');
}

/**
 * Times `fn` with a warm-up call, then repeats it until `minSeconds` have
 * passed (at least `minRuns` runs), and returns the median seconds per call.
 */
export async function medianSeconds(fn: () => unknown, minSeconds = 1, minRuns = 3): Promise<number> {
  await fn();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < minRuns || performance.now() - start < minSeconds * 1000) {
    const t0 = performance.now();
    await fn();
    samples.push((performance.now() - t0) / 1000);
    if (samples.length >= 1000) break;
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}
