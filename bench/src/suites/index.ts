import type { BenchSuite } from '../report.js';
import { memorySuite } from './memory.js';

// Every suite that `npm run bench` runs, in order. Add new suites here.
export const suites: BenchSuite[] = [];
suites.push(memorySuite);
