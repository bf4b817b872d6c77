import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ALL } from './fixtures/papers.js';
import { INGEST, jsonl, openHarness, removeDir, type Harness } from './helpers.js';

let harness: Harness;

// A few extra papers so that term statistics and filters have something to separate.
const EXTRA = [
  { id: 'x1', title: 'Copper oxide catalysts for CO2 reduction', abstract: 'Cu2O nanocubes reduced CO2 to ethylene at high selectivity.', year: 2022, venue: 'Nature Catalysis', fields: ['chemistry'], vector: [1, 0, 0] },
  { id: 'x2', title: 'Protein folding kinetics', abstract: 'Two-state folding was observed for small domains under mild denaturant.', year: 2010, venue: 'The Lancet', fields: ['biology'], vector: [0, 1, 0] },
  { id: 'x3', title: 'Sleep and memory consolidation', abstract: 'Slow-wave sleep improved recall of word pairs in adults.', year: 2017, venue: 'The Lancet', fields: ['medicine'], vector: [0, 0, 1] },
];

const SEARCH = `query($query: String!, $mode: SearchMode, $filter: PaperFilterInput, $first: Int, $after: String, $vector: [Float!]) {
  searchPapers(query: $query, mode: $mode, filter: $filter, first: $first, after: $after, vector: $vector) {
    totalCount hasNextPage endCursor
    edges { score node { id abstract } highlights { passageId text start end } }
  }
}`;

const ASK = `mutation($question: String!, $conversationId: ID, $filter: PaperFilterInput) {
  ask(question: $question, conversationId: $conversationId, filter: $filter) {
    text conversationId sentences { text citations { paperId passageId start end quote } }
  }
}`;

beforeAll(async () => {
  harness = await openHarness();
  const withVectors = ALL.map((paper, i) => ({ ...paper, vector: [i % 2, 0.5, i / 4] }));
  const { errors } = await harness.run(INGEST, { format: 'JSONL', content: jsonl([...withVectors, ...EXTRA]) });
  expect(errors).toBeUndefined();
});

afterAll(async () => {
  await harness.close();
  removeDir(harness.dir);
});

async function search(variables: Record<string, unknown>) {
  const result = await harness.run(SEARCH, variables);
  return result;
}

const ids = (result: any) => result.data.searchPapers.edges.map((e: any) => e.node.id);

describe('searchPapers', () => {
  it('ranks the paper whose title and text match first in every mode', async () => {
    for (const mode of ['BM25', 'DENSE', 'HYBRID']) {
      const result = await search({ query: 'electromigration along copper grain boundaries', mode });
      expect(result.errors).toBeUndefined();
      expect(ids(result)[0]).toBe('c1');
    }
  });

  it('returns only matching papers for BM25', async () => {
    const result = await search({ query: 'artemisinin', mode: 'BM25' });
    expect(ids(result)).toEqual(['m1']);
    expect(result.data!.searchPapers.totalCount).toBe(1);
  });

  it('ranks every term match above every non-match in DENSE and HYBRID', async () => {
    for (const mode of ['DENSE', 'HYBRID']) {
      const result = await search({ query: 'sleep denaturant', mode, first: 20 });
      const edges = result.data!.searchPapers.edges;
      expect(edges).toHaveLength(7);
      expect(new Set(ids(result).slice(0, 2))).toEqual(new Set(['x2', 'x3']));
      const lowestMatch = Math.min(edges[0].score, edges[1].score);
      for (const edge of edges.slice(2)) expect(edge.score).toBeLessThan(lowestMatch);
    }
  });

  it('matches a ligature and hyphenation in the query against plain text', async () => {
    const result = await search({ query: 'eﬀective combi-\nnation therapies', mode: 'BM25' });
    expect(ids(result)[0]).toBe('m1');
  });

  it('highlights passages whose text equals the abstract span', async () => {
    const result = await search({ query: 'capacity faded high temperature', mode: 'HYBRID', first: 7 });
    for (const edge of result.data!.searchPapers.edges) {
      for (const highlight of edge.highlights) {
        expect(edge.node.abstract.slice(highlight.start, highlight.end)).toBe(highlight.text);
        expect(highlight.passageId.startsWith(`${edge.node.id}#`)).toBe(true);
      }
    }
    expect(result.data!.searchPapers.edges[0].highlights[0].text).toContain('capacity faded');
  });

  it('applies filters before ranking', async () => {
    const byVenue = await search({ query: 'copper', mode: 'HYBRID', filter: { venue: 'the lancet' }, first: 20 });
    expect(new Set(ids(byVenue))).toEqual(new Set(['m1', 'x2', 'x3']));
    const byYear = await search({ query: 'copper diffusion', mode: 'BM25', filter: { yearFrom: 2016, yearTo: 2020 } });
    expect(ids(byYear)).toEqual(['c1']);
    const byAuthor = await search({ query: 'diffusion', mode: 'BM25', filter: { authors: ['wei zhang'], hasDoi: false } });
    expect(ids(byAuthor)).toEqual(['n1']);
    const byField = await search({ query: 'alloy films', mode: 'DENSE', filter: { fields: ['Metallurgy'] } });
    expect(ids(byField)).toEqual(['n1']);
  });

  it('pages with cursors', async () => {
    const first = await search({ query: 'copper', mode: 'HYBRID', first: 2 });
    const second = await search({ query: 'copper', mode: 'HYBRID', first: 2, after: first.data!.searchPapers.endCursor });
    const all = await search({ query: 'copper', mode: 'HYBRID', first: 4 });
    expect([...ids(first), ...ids(second)]).toEqual(ids(all));
  });

  it('counts every ranked paper beyond the page', async () => {
    // HYBRID ranks all 7 papers (term matches first); BM25 only the 2 that contain "copper".
    const hybrid = await search({ query: 'copper', mode: 'HYBRID', first: 2 });
    expect(hybrid.data!.searchPapers.totalCount).toBe(7);
    expect(hybrid.data!.searchPapers.hasNextPage).toBe(true);
    const bm25 = await search({ query: 'copper', mode: 'BM25', first: 1 });
    expect(bm25.data!.searchPapers.totalCount).toBe(2);
    expect(bm25.data!.searchPapers.hasNextPage).toBe(true);
    const last = await search({ query: 'copper', mode: 'BM25', first: 1, after: bm25.data!.searchPapers.endCursor });
    expect(last.data!.searchPapers.hasNextPage).toBe(false);
    const client = await search({ query: 'copper', mode: 'DENSE', vector: [0, 0, 1], first: 1 });
    expect(client.data!.searchPapers.totalCount).toBe(7);
    expect(client.data!.searchPapers.hasNextPage).toBe(true);
  });

  it('searches client vectors by cosine', async () => {
    const result = await search({ query: 'anything', mode: 'DENSE', vector: [0, 0, 2], first: 10 });
    expect(result.errors).toBeUndefined();
    expect(ids(result)).toContain('x3');
    const wrongDim = await search({ query: 'x', mode: 'DENSE', vector: [1, 2] });
    expect(wrongDim.errors?.[0].message).toMatch(/vector must be 3 finite numbers/);
  });

  const bad: [string, Record<string, unknown>, string, RegExp][] = [
    ['empty query', { query: '  ' }, 'BAD_USER_INPUT', /query is empty/],
    ['unknown venue', { query: 'x', filter: { venue: 'Nowhere' } }, 'BAD_USER_INPUT', /filter.venue "Nowhere" matches no stored paper; stored venues include "The Lancet"/],
    ['unknown author', { query: 'x', filter: { authors: ['Nobody'] } }, 'BAD_USER_INPUT', /filter.authors "Nobody"/],
    ['years out of order', { query: 'x', filter: { yearFrom: 2020, yearTo: 2010 } }, 'BAD_USER_INPUT', /yearFrom \(2020\) is after filter.yearTo \(2010\)/],
    ['too deep a page', { query: 'x', first: 100, after: Buffer.from('offset:999').toString('base64url') }, 'LIMIT_EXCEEDED', /depth of 1000/],
    ['a vector with BM25', { query: 'x', mode: 'BM25', vector: [1, 0, 0] }, 'BAD_USER_INPUT', /vector applies to DENSE and HYBRID/],
  ];
  for (const [name, variables, code, message] of bad) {
    it(`rejects ${name}`, async () => {
      const result = await search(variables);
      expect(result.errors?.[0].extensions?.code).toBe(code);
      expect(result.errors?.[0].message).toMatch(message);
    });
  }
});

describe('ask', () => {
  function expectExactCitations(answer: any) {
    for (const sentence of answer.sentences) {
      expect(sentence.citations.length).toBeGreaterThan(0);
      for (const citation of sentence.citations) {
        const paper = [...ALL, ...EXTRA].find((p: any) => (p.id ?? p._id) === citation.paperId) as any;
        const abstract = paper.abstract ?? paper.text;
        expect(abstract.slice(citation.start, citation.end)).toBe(citation.quote);
        expect(citation.passageId.startsWith(`${citation.paperId}#`)).toBe(true);
      }
    }
  }

  it('answers with sentences quoted exactly from the sources', async () => {
    const { data, errors } = await harness.run(ASK, { question: 'How fast does copper diffuse along grain boundaries?' });
    expect(errors).toBeUndefined();
    const answer = data!.ask;
    expect(answer.sentences.length).toBeGreaterThan(0);
    expectExactCitations(answer);
    expect(answer.sentences[0].citations[0].paperId).toBe('c1');
    expect(answer.text).toContain(answer.sentences[0].text);
  });

  it('interprets a follow-up with the earlier question', async () => {
    const first = await harness.run(ASK, { question: 'What limits LiFePO4 cathodes?' });
    expectExactCitations(first.data!.ask);
    const followUp = await harness.run(ASK, { question: 'What happens at high temperature?', conversationId: first.data!.ask.conversationId });
    expect(followUp.errors).toBeUndefined();
    const answer = followUp.data!.ask;
    expect(answer.conversationId).toBe(first.data!.ask.conversationId);
    expectExactCitations(answer);
    expect(answer.sentences[0].citations[0].paperId).toBe('b1');
    expect(answer.sentences[0].text).toContain('high temperature');
  });

  it('says so when nothing matches', async () => {
    const { data } = await harness.run(ASK, { question: 'quasar redshift' });
    expect(data!.ask.sentences).toEqual([]);
    expect(data!.ask.text).toMatch(/no cited answer/);
  });

  it('gives no answer when only common words match', async () => {
    // Papers mention copper, but none the melting point of tungsten carbide.
    const { data } = await harness.run(ASK, { question: 'What is the melting point of tungsten carbide in copper?' });
    expect(data!.ask.sentences).toEqual([]);
    expect(data!.ask.text).toMatch(/no cited answer/);
  });

  it('rejects an unknown conversation', async () => {
    const result = await harness.run(ASK, { question: 'and then?', conversationId: 'nope' });
    expect(result.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});

describe('relatedPapers and deletePaper', () => {
  it('finds the nearest papers, excluding the paper itself', async () => {
    const { data } = await harness.run('{ relatedPapers(id: "c1", first: 3) { paper { id } score } }');
    const related = data!.relatedPapers;
    expect(related).toHaveLength(3);
    expect(related.map((r: any) => r.paper.id)).not.toContain('c1');
    for (let i = 1; i < related.length; i++) expect(related[i].score).toBeLessThanOrEqual(related[i - 1].score);
  });

  it('removes a paper from storage and search', async () => {
    await harness.run(INGEST, { format: 'JSONL', content: jsonl([{ id: 'tmp', title: 'Zirconia toughening', abstract: 'Zirconia transforms under stress.' }]) });
    expect(ids(await search({ query: 'zirconia', mode: 'BM25' }))).toEqual(['tmp']);
    const deleted = await harness.run('mutation { deletePaper(id: "tmp") }');
    expect(deleted.data!.deletePaper).toBe('tmp');
    expect(ids(await search({ query: 'zirconia', mode: 'BM25' }))).toEqual([]);
    const again = await harness.run('mutation { deletePaper(id: "tmp") }');
    expect(again.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});
