import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { releaseGpu } from '@scifed/compute';

import { describeMachine, renderTable, type BenchSuite } from './report.js';
import { suites } from './suites/index.js';

// Runs every suite (or those named by --only a,b), prints each table as it
// completes, and writes bench/RESULTS.md. --quick skips the largest sizes.
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? new Set(args[onlyIndex + 1]?.split(',')) : undefined;
const selected: BenchSuite[] = suites.filter((suite) => !only || only.has(suite.name));

const sections: string[] = [];
for (const suite of selected) {
  console.log(`# ${suite.name}`);
  const tables = await suite.run({ quick });
  for (const table of tables) {
    const text = renderTable(table);
    console.log(`${text}\n`);
    sections.push(text);
  }
}
await releaseGpu();

const header = [
  '# SciFed benchmark results',
  '',
  `- Machine: ${describeMachine()}`,
  `- Date: ${new Date().toISOString()}`,
  `- Command: npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`,
  '',
];
const out = fileURLToPath(new URL('../RESULTS.md', import.meta.url));
writeFileSync(out, `${header.join('\n')}\n${sections.join('\n\n')}\n`);
console.log(`Wrote ${out}`);
