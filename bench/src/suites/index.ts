import type { BenchSuite } from '../report.js';
import { literatureSuite } from './literature.js';

// Every suite that `npm run bench` runs, in order. Add new suites here.
export const suites: BenchSuite[] = [];
suites.push(literatureSuite);
