import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { releaseGpu } from '@scifed/compute';

import { describeMachine, renderTable, type BenchSuite } from './report.js';
import { suites } from './suites/index.js';

// Runs every suite (or those named by --only a,b), prints each table as it
// completes, and writes bench/RESULTS.md. Each suite has its own section with
// the machine, date and command of its run; a partial run (--only) replaces
// the sections of the suites it ran and keeps the others. --quick skips the
// largest sizes.
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? new Set(args[onlyIndex + 1]?.split(',')) : undefined;
const selected: BenchSuite[] = suites.filter((suite) => !only || only.has(suite.name));
if (only && selected.length !== only.size) {
  const known = suites.map((suite) => suite.name).join(', ');
  throw new Error(`--only names an unknown suite; the suites are ${known}.`);
}

const out = fileURLToPath(new URL('../RESULTS.md', import.meta.url));
const SECTION = /^## Suite: (\S+)$/m;

/** Splits an existing RESULTS.md into its suite sections, by suite name. */
function readSections(): Map<string, string> {
  const sections = new Map<string, string>();
  if (!existsSync(out)) return sections;
  const parts = readFileSync(out, 'utf8').split(/(?=^## Suite: )/m);
  for (const part of parts) {
    const match = SECTION.exec(part);
    if (match) sections.set(match[1], part.trimEnd());
  }
  return sections;
}

const sections = readSections();
const command = `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`;
for (const suite of selected) {
  console.log(`# ${suite.name}`);
  const started = new Date().toISOString();
  const tables = await suite.run({ quick });
  const text = tables.map(renderTable).join('\n\n');
  console.log(`${text}\n`);
  sections.set(
    suite.name,
    [`## Suite: ${suite.name}`, '', `- Machine: ${describeMachine()}`, `- Started: ${started}`, `- Command: \`${command}\``, '', text].join('\n'),
  );
}
await releaseGpu();

const ordered = suites.map((suite) => sections.get(suite.name)).filter((section): section is string => section !== undefined);
const header = [
  '# SciFed benchmark results',
  '',
  'Written by `npm run bench` (bench/src/run.ts). Each section names the machine, the',
  'start time and the command of the run that produced it; ratios compare figures',
  'measured in the same run.',
  '',
].join('\n');
writeFileSync(out, `${header}\n${ordered.join('\n\n')}\n`);
console.log(`Wrote ${out}`);
