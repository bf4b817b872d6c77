import type { BenchSuite } from '../report.js';
import { attentionSuite } from './attention.js';
import { bandwidthSuite } from './bandwidth.js';
import { dataSuite } from './data.js';
import { vectorsSuite } from './vectors.js';

// Every suite that `npm run bench` runs, in order. Add new suites here.
export const suites: BenchSuite[] = [];
// The bandwidth probe runs first; the vector and attention suites divide by its figure.
suites.push(bandwidthSuite, vectorsSuite, attentionSuite);
suites.push(dataSuite);
