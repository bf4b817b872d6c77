import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { ALL, BATTERY, COPPER, MALARIA, NIAL } from './fixtures/papers.js';
import { INGEST, jsonl, openHarness, removeDir, type Harness } from './helpers.js';

let harness: Harness;

beforeEach(async () => {
  harness = await openHarness();
});

afterEach(async () => {
  await harness.close();
  removeDir(harness.dir);
});

async function ingestAll() {
  const result = await harness.run(INGEST, { format: 'JSONL', content: jsonl(ALL) });
  expect(result.errors).toBeUndefined();
  return result.data!.ingestPapers;
}

describe('ingestPapers JSONL', () => {
  it('stores BEIR and plain records', async () => {
    const result = await ingestAll();
    expect(result.count).toBe(4);
    const [battery, copper] = result.papers;
    expect(battery).toMatchObject({ id: 'b1', title: BATTERY.title, abstract: BATTERY.text, metadata: { source: 'test' }, sourceFormat: 'JSONL' });
    expect(copper).toMatchObject({ id: 'c1', authors: COPPER.authors, year: 2019, venue: COPPER.venue, doi: COPPER.doi, fields: COPPER.fields });
  });

  it('reads a paper by id and null for an unknown id', async () => {
    await ingestAll();
    const { data } = await harness.run('{ paper(id: "n1") { id title year } missing: paper(id: "nope") { id } }');
    expect(data!.paper).toEqual({ id: 'n1', title: NIAL.title, year: 2015 });
    expect(data!.missing).toBeNull();
  });

  it('pages papers in ingestion order', async () => {
    await ingestAll();
    const first = await harness.run('{ papers(first: 3) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }');
    expect(first.data!.papers.totalCount).toBe(4);
    expect(first.data!.papers.edges.map((e: any) => e.node.id)).toEqual(['b1', 'c1', 'n1']);
    expect(first.data!.papers.pageInfo.hasNextPage).toBe(true);
    const second = await harness.run('query($after: String) { papers(first: 3, after: $after) { edges { node { id } } pageInfo { hasNextPage } } }', {
      after: first.data!.papers.pageInfo.endCursor,
    });
    expect(second.data!.papers.edges.map((e: any) => e.node.id)).toEqual(['m1']);
    expect(second.data!.papers.pageInfo.hasNextPage).toBe(false);
  });

  it('replaces a paper ingested again under its id', async () => {
    await ingestAll();
    await harness.run(INGEST, { format: 'JSONL', content: jsonl([{ ...NIAL, title: 'Revised NiAl ordering' }]) });
    const { data } = await harness.run('{ papers { totalCount } paper(id: "n1") { title } }');
    expect(data!.papers.totalCount).toBe(4);
    expect(data!.paper.title).toBe('Revised NiAl ordering');
  });

  it('rebuilds the search index when reopened', async () => {
    await ingestAll();
    const dir = harness.dir;
    await harness.close();
    harness = await openHarness({ dir });
    const { data } = await harness.run('{ searchPapers(query: "artemisinin resistance", mode: BM25) { edges { node { id } } } }');
    expect(data!.searchPapers.edges.map((e: any) => e.node.id)).toEqual(['m1']);
  });
});

describe('ingestPapers bad input', () => {
  const cases: [string, string, RegExp][] = [
    ['malformed JSON', `${JSON.stringify(BATTERY)}\n{"id": "x", "title": `, /line 2: invalid JSON/],
    ['a line that is not an object', `${JSON.stringify(BATTERY)}\n[1, 2]`, /line 2: expected a JSON object, got an array/],
    ['no id', JSON.stringify({ title: 'T' }), /line 1: the record has neither "_id".*nor "id"/],
    ['authors not a list', JSON.stringify({ id: 'a', title: 'T', authors: 'A. Author' }), /line 1: "authors" must be an array of strings/],
    ['a bad year', JSON.stringify({ id: 'a', title: 'T', year: 'recent' }), /line 1: "year" must be a four-digit integer/],
    ['no title and no text', JSON.stringify({ _id: 'a', title: '', text: ' ' }), /line 1: paper "a" has no title and no text/],
    ['a repeated id', jsonl([COPPER, NIAL, { ...COPPER, title: 'again' }]), /line 3: paper id "c1" already appears on line 1/],
  ];
  for (const [name, content, message] of cases) {
    it(`rejects ${name} and stores nothing`, async () => {
      const result = await harness.run(INGEST, { format: 'JSONL', content });
      expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0].message).toMatch(message);
      const { data } = await harness.run('{ papers { totalCount } }');
      expect(data!.papers.totalCount).toBe(0);
    });
  }

  it('rejects content over the size limit', async () => {
    await harness.close();
    removeDir(harness.dir);
    harness = await openHarness({ limits: { maxContentBytes: 100 } });
    const result = await harness.run(INGEST, { format: 'JSONL', content: jsonl([COPPER]) });
    expect(result.errors?.[0].extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(result.errors?.[0].message).toMatch(/SCIFED_LITERATURE_MAX_CONTENT_BYTES/);
  });

  it('rejects a batch over the paper limit', async () => {
    await harness.close();
    removeDir(harness.dir);
    harness = await openHarness({ limits: { maxBatchPapers: 2 } });
    const result = await harness.run(INGEST, { format: 'JSONL', content: jsonl(ALL) });
    expect(result.errors?.[0].extensions?.code).toBe('LIMIT_EXCEEDED');
    expect(result.errors?.[0].message).toMatch(/4 papers, above the limit of 2/);
  });

  it('rejects a paper over the size limit by line', async () => {
    await harness.close();
    removeDir(harness.dir);
    harness = await openHarness({ limits: { maxPaperChars: 200 } });
    const result = await harness.run(INGEST, { format: 'JSONL', content: jsonl([NIAL, COPPER]) });
    expect(result.errors?.[0].extensions?.code).toBe('LIMIT_EXCEEDED');
    expect(result.errors?.[0].message).toMatch(/^line 2: paper "c1" has \d+ characters/);
  });

  it('keeps earlier papers when a replacing batch fails', async () => {
    await ingestAll();
    const result = await harness.run(INGEST, { format: 'JSONL', content: `${JSON.stringify({ ...NIAL, title: 'changed' })}\nnot json` });
    expect(result.errors?.[0].message).toMatch(/line 2/);
    const { data } = await harness.run('{ paper(id: "n1") { title } }');
    expect(data!.paper.title).toBe(NIAL.title);
  });
});

describe('federation', () => {
  const ENTITIES = `query($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Paper { id title }
      ... on Material { formula papers(first: 5) { totalCount edges { node { id } } } }
    }
  }`;

  it('resolves Paper references in one query, in order, with null for unknown ids', async () => {
    await ingestAll();
    const before = harness.subgraph.store.db.queryCount;
    const { data, errors } = await harness.run(ENTITIES, {
      representations: [
        { __typename: 'Paper', id: 'm1' },
        { __typename: 'Paper', id: 'unknown' },
        { __typename: 'Paper', id: 'b1' },
        { __typename: 'Paper', id: 'c1' },
      ],
    });
    expect(errors).toBeUndefined();
    expect(harness.subgraph.store.db.queryCount - before).toBe(1);
    expect(data!._entities).toEqual([{ id: 'm1', title: MALARIA.title }, null, { id: 'b1', title: BATTERY.title }, { id: 'c1', title: COPPER.title }]);
  });

  it('resolves Material.papers for many formulas in one query', async () => {
    await ingestAll();
    const before = harness.subgraph.store.db.queryCount;
    const { data, errors } = await harness.run(ENTITIES, {
      representations: [
        { __typename: 'Material', formula: 'AlNi' },
        { __typename: 'Material', formula: 'Cu' },
        { __typename: 'Material', formula: 'Zr' },
        { __typename: 'Material', formula: 'FeLiO4P' },
        { __typename: 'Material', formula: 'Ni' },
      ],
    });
    expect(errors).toBeUndefined();
    expect(harness.subgraph.store.db.queryCount - before).toBe(1);
    const ids = data!._entities.map((m: any) => m.papers.edges.map((e: any) => e.node.id));
    expect(ids).toEqual([['n1'], ['c1'], [], ['b1'], ['n1']]);
    expect(data!._entities.map((m: any) => m.formula)).toEqual(['AlNi', 'Cu', 'Zr', 'FeLiO4P', 'Ni']);
  });

  it('lists the materials a paper mentions', async () => {
    await ingestAll();
    const { data } = await harness.run('{ paper(id: "b1") { materials { formula } } other: paper(id: "m1") { materials { formula } } }');
    expect(data!.paper.materials.map((m: any) => m.formula)).toEqual(['C', 'FeLiO4P', 'Li']);
    expect(data!.other.materials).toEqual([]);
  });

  it('resolves references and citedBy', async () => {
    await ingestAll();
    const { data } = await harness.run('{ paper(id: "c1") { references { id } referenceIds } cited: paper(id: "n1") { citedBy { id } } }');
    expect(data!.paper.references).toEqual([{ id: 'n1' }]);
    expect(data!.paper.referenceIds).toEqual(['n1', 'missing-ref']);
    expect(data!.cited.citedBy).toEqual([{ id: 'c1' }]);
  });
});
