import type { BenchSuite } from '../report.js';
import { forcesSuite } from './forces.js';
import { gatewaySuite } from './gateway.js';

// Every suite that `npm run bench` runs, in order. Add new suites here.
export const suites: BenchSuite[] = [forcesSuite, gatewaySuite];
