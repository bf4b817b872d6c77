import type { BenchSuite } from '../report.js';
import { attentionSuite } from './attention.js';
import { bandwidthSuite } from './bandwidth.js';
import { dataSuite } from './data.js';
import { forcesSuite } from './forces.js';
import { gatewaySuite } from './gateway.js';
import { literatureSuite } from './literature.js';
import { materialsSuite } from './materials.js';
import { memorySuite } from './memory.js';
import { vectorsSuite } from './vectors.js';

// Every suite that `npm run bench` runs, in order. The bandwidth probe runs
// first because the vector and attention suites divide by its figure.
export const suites: BenchSuite[] = [
  bandwidthSuite,
  forcesSuite,
  vectorsSuite,
  attentionSuite,
  materialsSuite,
  literatureSuite,
  memorySuite,
  dataSuite,
  gatewaySuite,
];
