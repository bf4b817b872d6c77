import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BM25_B, BM25_K1, tokenize } from '../src/text/bm25.js';
import { openHarness, removeDir, type Harness } from './helpers.js';

const HYBRID = `query($input: HybridSearchInput!) {
  hybridSearch(input: $input) { vectorStrategy hits { key score textRank textScore vectorRank vectorDistance row } }
}`;

const DOCS = [
  { id: 'd1', kind: 'alloy', text: 'nickel aluminide superalloy creep strength', v: [1, 0, 0, 0] },
  { id: 'd2', kind: 'alloy', text: 'copper thermal conductivity', v: [0.9, 0.1, 0, 0] },
  { id: 'd3', kind: 'oxide', text: 'nickel oxide catalyst', v: [0, 1, 0, 0] },
  { id: 'd4', kind: 'oxide', text: 'iron oxide magnetite magnetism', v: [0, 0.9, 0.1, 0] },
  { id: 'd5', kind: 'alloy', text: 'nickel nickel titanium shape memory', v: [0, 0, 1, 0] },
  { id: 'd6', kind: 'polymer', text: 'polyethylene crystallinity', v: [0, 0, 0, 1] },
];

let h: Harness;

async function hybrid(input: Record<string, unknown>) {
  return h.exec(HYBRID, { input: { table: 'notes', textColumn: 'text', vectorColumn: 'v', ...input } });
}

/** BM25 of one document for a query, straight from the formula, as the oracle. */
function bm25(docText: string, query: string, corpus: string[]): number {
  const docs = corpus.map(tokenize);
  const averageLength = docs.reduce((sum, d) => sum + d.length, 0) / docs.length;
  const doc = tokenize(docText);
  let score = 0;
  for (const term of new Set(tokenize(query))) {
    const df = docs.filter((d) => d.includes(term)).length;
    const tf = doc.filter((t) => t === term).length;
    if (tf === 0) continue;
    const idf = Math.log(1 + (docs.length - df + 0.5) / (df + 0.5));
    score += (idf * tf * (BM25_K1 + 1)) / (tf + BM25_K1 * (1 - BM25_B + (BM25_B * doc.length) / averageLength));
  }
  return score;
}

beforeAll(async () => {
  h = await openHarness();
  await h.subgraph.tables.createTable({
    name: 'notes',
    primaryKey: 'id',
    columns: [
      { name: 'id', type: 'VARCHAR' },
      { name: 'kind', type: 'VARCHAR' },
      { name: 'text', type: 'VARCHAR' },
      { name: 'v', type: 'VECTOR', dimension: 4 },
    ],
  });
  await h.subgraph.tables.insertRows('notes', DOCS);
  await h.subgraph.vectors.create('notes', 'v', { metric: 'COSINE', connectivity: 16, expansionAdd: 128, expansionSearch: 64, quantization: 'F32' });
});

afterAll(async () => {
  await h.close();
  removeDir(h.dir);
});

describe('hybridSearch', () => {
  it('scores BM25 as the formula does', async () => {
    const { data, errors } = await hybrid({ query: 'nickel oxide', vector: [0, 0, 0, 1], k: 6, fusion: 'WEIGHTED', weights: { text: 1, vector: 0 } });
    expect(errors).toBeUndefined();
    const corpus = DOCS.map((d) => d.text);
    const textHits = data.hybridSearch.hits.filter((hit: any) => hit.textRank !== null);
    expect(textHits.map((hit: any) => hit.key)).toEqual(['d3', 'd4', 'd5', 'd1']);
    for (const hit of textHits) {
      expect(hit.textScore).toBeCloseTo(bm25(DOCS.find((d) => d.id === hit.key)!.text, 'nickel oxide', corpus), 10);
    }
  });

  it('fuses by reciprocal rank with k = 60', async () => {
    const { data } = await hybrid({ query: 'nickel', vector: [1, 0, 0, 0], k: 6 });
    const hits = data.hybridSearch.hits;
    expect(hits[0].key).toBe('d1');
    for (const hit of hits) {
      const expected = (hit.textRank ? 1 / (60 + hit.textRank) : 0) + (hit.vectorRank ? 1 / (60 + hit.vectorRank) : 0);
      expect(hit.score).toBeCloseTo(expected, 12);
    }
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1].score).toBeGreaterThanOrEqual(hits[i].score);
  });

  it('ranks by the vector alone with text weight 0', async () => {
    const { data } = await hybrid({ query: 'nickel', vector: [0, 0, 1, 0], k: 1, fusion: 'WEIGHTED', weights: { text: 0, vector: 1 } });
    expect(data.hybridSearch.hits[0].key).toBe('d5');
  });

  it('applies where to both lists', async () => {
    const { data } = await hybrid({ query: 'nickel oxide', vector: [0, 1, 0, 0], k: 6, where: 'kind = $1', params: ['oxide'] });
    expect(data.hybridSearch.hits.map((hit: any) => hit.key).sort()).toEqual(['d3', 'd4']);
    expect(data.hybridSearch.vectorStrategy).toBe('EXACT_FILTERED');
  });

  it('sees rows inserted after the first search', async () => {
    await h.subgraph.tables.insertRows('notes', [{ id: 'd7', kind: 'alloy', text: 'zirconium hydride', v: [0.5, 0.5, 0, 0] }]);
    const { data } = await hybrid({ query: 'zirconium', vector: [0, 0, 0, 1], k: 1, fusion: 'WEIGHTED', weights: { text: 1, vector: 0 } });
    expect(data.hybridSearch.hits[0].key).toBe('d7');
    expect(data.hybridSearch.hits[0].row).toEqual({ id: 'd7', kind: 'alloy', text: 'zirconium hydride' });
  });

  it('rejects a non-text column', async () => {
    const { errors } = await hybrid({ textColumn: 'v', query: 'x', vector: [1, 0, 0, 0], k: 1 });
    expect(errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(errors?.[0].message).toContain('BM25 needs a VARCHAR or JSON column');
  });
});
