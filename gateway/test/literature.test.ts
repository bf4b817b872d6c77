import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { startStack, type Stack } from './stack.js';

// Papers ingested in every format, searched, asked about and joined with
// materials and memories, all sent through the gateway. Every citation and
// highlight is checked against the stored abstract read back through the
// API, character for character.

type GraphQLError = { message: string; extensions?: Record<string, unknown> };

// BEIR corpus lines. The second abstract has an "ﬁ" ligature and a soft
// hyphen, which search normalizes, while offsets keep pointing into the
// original text.
const BEIR = [
  {
    _id: 'beir-spinel',
    title: 'Spinel LiMn2O4 cathodes at elevated temperature',
    text:
      'Manganese dissolution limits the cycle life of spinel LiMn2O4 cathodes. ' +
      'Above 55 °C the capacity fell by a third within 200 cycles. ' +
      'An alumina coating halved the dissolved manganese.',
    metadata: { split: 'train' },
  },
  {
    _id: 'beir-coating',
    title: 'Oxide coatings for layered cathodes',
    text:
      'We ﬁnd that thin oxide coatings signiﬁcantly suppress side reactions with the electro\u00adlyte. ' +
      'Coated cathodes retained 92 % of their capacity after 300 cycles at high temperature.',
    metadata: {},
  },
];

// Plain JSON Lines papers with metadata and citations: "plain-steel" cites
// both the Ni paper and one that is never stored.
const SENTENCE_BANK = [
  'Hydrogen enters the steel during electroplating and collects at grain boundaries.',
  'Slow strain rate tests showed a loss of ductility that grew with the hydrogen content.',
  'Thermal desorption spectra separated reversible from irreversible traps.',
  'Vanadium carbide precipitates trapped hydrogen and delayed cracking.',
  'Fracture surfaces changed from ductile dimples to intergranular facets.',
  'Baking at 200 °C for four hours restored most of the ductility.',
];
const LONG_ABSTRACT = Array.from({ length: 8 }, () => SENTENCE_BANK.join(' ')).join(' ');

const PLAIN = [
  {
    id: 'plain-steel',
    title: 'Hydrogen embrittlement of martensitic steel',
    abstract: LONG_ABSTRACT,
    authors: ['Mara Okafor', 'Lena Berg'],
    year: 2020,
    venue: 'Corrosion Science',
    doi: '10.5555/steel.2020.3',
    fields: ['corrosion', 'metallurgy'],
    references: ['plain-nickel', 'never-stored'],
  },
  {
    id: 'plain-nickel',
    title: 'Creep of nickel single crystals',
    abstract: 'Nickel single crystals crept by dislocation climb above 900 K. The Ni3Al precipitates raised the creep resistance of the alloy.',
    authors: ['Lena Berg'],
    year: 2016,
    venue: 'Acta Materialia',
    fields: ['metallurgy'],
  },
  {
    id: 'plain-malaria',
    title: 'Bed nets and malaria incidence',
    abstract: 'Insecticide-treated bed nets lowered malaria incidence in children under five. Resistance of mosquitoes to pyrethroids reduced the benefit.',
    authors: ['Kwame Asante'],
    year: 2022,
    venue: 'Malaria Journal',
    doi: '10.5555/malaria.2022.1',
    fields: ['epidemiology'],
  },
];

const BIBTEX = String.raw`@string{jmr = "Journal of Materials Research"}

@article{okafor2018,
  title = {Copper {Interconnect} Reliability under Pulsed Current},
  author = {Okafor, Mara and M{\"u}ller, J{\"o}rg},
  journal = jmr,
  year = {2018},
  month = jun,
  doi = {https://doi.org/10.5555/cu.2018.7},
  keywords = {electromigration, copper},
  abstract = {Pulsed current extended the lifetime of copper lines by 40 \% compared with direct current.}
}
`;

const RIS = [
  'TY  - JOUR',
  'ID  - ris-zeolite',
  'TI  - Water adsorption in zeolite frameworks',
  'AU  - Berg, Lena',
  'PY  - 2021/05/02',
  'JO  - Microporous Materials',
  'DO  - 10.5555/zeolite.2021',
  'AB  - Water filled the small cages of the zeolite before the large channels.',
  '  The isotherm showed two steps at low pressure.',
  'KW  - adsorption',
  'KW  - zeolites',
  'ER  - ',
  '',
].join('\n');

const TEXT = '# Notes on copper diffusion\n\nCopper atoms diffuse along grain boundaries much faster than through the lattice.\nAnnealing coarsens the grains and slows the diffusion.\n';

let stack: Stack;
let textId: string;

function expectError(errors: GraphQLError[] | undefined, code: string, message: string | RegExp): void {
  expect(errors, 'an error was expected').toBeDefined();
  expect(errors![0].extensions?.code).toBe(code);
  if (typeof message === 'string') expect(errors![0].message).toContain(message);
  else expect(errors![0].message).toMatch(message);
}

const INGEST = 'mutation ($f: IngestFormat!, $c: String!) { ingestPapers(format: $f, content: $c) { count papers { id title abstract authors year venue doi fields metadata sourceFormat } } }';
const SEARCH = `query ($q: String!, $mode: SearchMode!, $filter: PaperFilterInput, $first: Int!, $after: String) {
  searchPapers(query: $q, mode: $mode, filter: $filter, first: $first, after: $after) {
    totalCount hasNextPage endCursor
    edges { score node { id year venue doi authors fields } highlights { passageId text start end } } } }`;
const ASK = `mutation ($q: String!, $c: ID, $filter: PaperFilterInput) {
  ask(question: $q, conversationId: $c, filter: $filter) { text conversationId sentences { text citations { paperId passageId start end quote } } } }`;

type Paper = { id: string; title: string; abstract: string; authors: string[]; year: number | null; venue: string | null; doi: string | null; fields: string[]; metadata: unknown; sourceFormat: string };
type Search = {
  searchPapers: {
    totalCount: number;
    hasNextPage: boolean;
    endCursor: string | null;
    edges: { score: number; node: { id: string; year: number | null; venue: string | null; doi: string | null; authors: string[]; fields: string[] }; highlights: { passageId: string; text: string; start: number; end: number }[] }[];
  };
};
type Ask = { ask: { text: string; conversationId: string; sentences: { text: string; citations: { paperId: string; passageId: string; start: number; end: number; quote: string }[] }[] } };

async function ingest(format: string, content: string) {
  return stack.request<{ ingestPapers: { count: number; papers: Paper[] } }>(INGEST, { f: format, c: content });
}

async function search(q: string, mode: string, filter?: Record<string, unknown>, first = 10) {
  return stack.request<Search>(SEARCH, { q, mode, filter, first });
}

async function paperCount(): Promise<number> {
  const { body } = await stack.request<{ papers: { totalCount: number } }>('{ papers { totalCount } }');
  return body.data!.papers.totalCount;
}

/** Abstracts and passages read back through the gateway, by paper id. */
async function storedText(ids: string[]): Promise<Map<string, { abstract: string; passages: { passageId: string; text: string; start: number; end: number }[] }>> {
  const stored = new Map();
  for (const id of new Set(ids)) {
    const { body } = await stack.request<{ paper: { abstract: string; passages: { passageId: string; text: string; start: number; end: number }[] } }>(
      'query ($id: ID!) { paper(id: $id) { abstract passages { passageId text start end } } }',
      { id },
    );
    stored.set(id, body.data!.paper);
  }
  return stored;
}

/** Checks that every citation quotes its paper's stored abstract exactly, inside the passage it names. */
async function expectExactCitations(answer: Ask['ask']): Promise<void> {
  const citations = answer.sentences.flatMap((s) => s.citations);
  const stored = await storedText(citations.map((c) => c.paperId));
  for (const sentence of answer.sentences) {
    expect(sentence.citations.length).toBeGreaterThan(0);
    for (const citation of sentence.citations) {
      const paper = stored.get(citation.paperId)!;
      expect(citation.quote).toBe(paper.abstract.slice(citation.start, citation.end));
      const passage = paper.passages.find((p) => p.passageId === citation.passageId);
      expect(passage, `passage ${citation.passageId}`).toBeDefined();
      expect(citation.start).toBeGreaterThanOrEqual(passage!.start);
      expect(citation.end).toBeLessThanOrEqual(passage!.end);
    }
  }
}

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('ingestPapers through the gateway', () => {
  test('JSONL in BEIR and plain form', async () => {
    const { body } = await ingest('JSONL', [...BEIR, ...PLAIN].map((p) => JSON.stringify(p)).join('\n'));
    expect(body.errors).toBeUndefined();
    expect(body.data!.ingestPapers.count).toBe(5);
    const [spinel, coating, steel] = body.data!.ingestPapers.papers;
    expect(spinel).toMatchObject({ id: 'beir-spinel', title: BEIR[0].title, abstract: BEIR[0].text, metadata: { split: 'train' }, sourceFormat: 'JSONL' });
    // The original text is stored unchanged, ligature and soft hyphen included.
    expect(coating.abstract).toBe(BEIR[1].text);
    expect(steel).toMatchObject({ authors: PLAIN[0].authors, year: 2020, venue: 'Corrosion Science', doi: '10.5555/steel.2020.3', fields: PLAIN[0].fields });
  });

  test('BibTeX with macros, escapes and months', async () => {
    const { body } = await ingest('BIBTEX', BIBTEX);
    expect(body.errors).toBeUndefined();
    expect(body.data!.ingestPapers.papers[0]).toMatchObject({
      id: 'okafor2018',
      title: 'Copper Interconnect Reliability under Pulsed Current',
      authors: ['Mara Okafor', 'Jörg Müller'],
      venue: 'Journal of Materials Research',
      year: 2018,
      doi: '10.5555/cu.2018.7',
      fields: expect.arrayContaining(['electromigration', 'copper']),
      abstract: 'Pulsed current extended the lifetime of copper lines by 40 % compared with direct current.',
      metadata: { entryType: 'article', month: 6 },
      sourceFormat: 'BIBTEX',
    });
  });

  test('RIS with a wrapped abstract', async () => {
    const { body } = await ingest('RIS', RIS);
    expect(body.errors).toBeUndefined();
    expect(body.data!.ingestPapers.papers[0]).toMatchObject({
      id: 'ris-zeolite',
      authors: ['Berg, Lena'],
      year: 2021,
      venue: 'Microporous Materials',
      doi: '10.5555/zeolite.2021',
      abstract: 'Water filled the small cages of the zeolite before the large channels. The isotherm showed two steps at low pressure.',
      fields: ['adsorption', 'zeolites'],
      sourceFormat: 'RIS',
    });
  });

  test('TEXT takes its heading as title', async () => {
    const { body } = await ingest('TEXT', TEXT);
    expect(body.errors).toBeUndefined();
    const [paper] = body.data!.ingestPapers.papers;
    expect(paper.title).toBe('Notes on copper diffusion');
    expect(paper.abstract).toBe('Copper atoms diffuse along grain boundaries much faster than through the lattice.\nAnnealing coarsens the grains and slows the diffusion.');
    expect(paper.id).toMatch(/^text-[0-9a-f]{16}$/);
    textId = paper.id;
    expect(await paperCount()).toBe(8);
  });

  test('passages tile the abstract with exact offsets', async () => {
    const stored = await storedText(['plain-steel']);
    const { abstract, passages } = stored.get('plain-steel')!;
    // About 380 words make several passages of about 100 to 200 words.
    expect(passages.length).toBeGreaterThan(1);
    passages.forEach((passage, i) => {
      expect(passage.passageId).toBe(`plain-steel#${i}`);
      expect(passage.text).toBe(abstract.slice(passage.start, passage.end));
      const words = passage.text.split(/\s+/).length;
      expect(words).toBeLessThanOrEqual(220);
    });
  });

  test('bad records keep their codes and store nothing', async () => {
    const cases: [string, string, string, string | RegExp][] = [
      ['JSONL', `${JSON.stringify({ id: 'new-1', title: 'Fine' })}\n{"id": "new-2", "title": `, 'BAD_USER_INPUT', /^line 2: invalid JSON/],
      ['JSONL', JSON.stringify({ id: 'new-3', title: 'T', year: 'soon' }), 'BAD_USER_INPUT', 'line 1: "year" must be a four-digit integer'],
      ['JSONL', [JSON.stringify({ id: 'dup', title: 'A' }), JSON.stringify({ id: 'dup', title: 'B' })].join('\n'), 'BAD_USER_INPUT', 'line 2: paper id "dup" already appears on line 1'],
      ['BIBTEX', '@article{fine, title = {Fine}}\n\n@article{broken, title = {Unclosed, year = 2020}\n', 'BAD_USER_INPUT', /^line \d+: invalid BibTeX/],
      ['RIS', 'TY  - JOUR\nTI  - Open record\n', 'BAD_USER_INPUT', 'line 1: the record that starts here has no "ER  - " line'],
      ['TEXT', ' \n\n', 'BAD_USER_INPUT', 'the text is empty'],
    ];
    for (const [format, content, code, message] of cases) {
      const { body } = await ingest(format, content);
      expectError(body.errors, code, message);
    }
    expect(await paperCount()).toBe(8);
  });

  test('re-ingesting an id replaces the paper', async () => {
    const revised = { ...PLAIN[2], title: 'Bed nets and malaria incidence, revised' };
    const { body } = await ingest('JSONL', JSON.stringify(revised));
    expect(body.errors).toBeUndefined();
    expect(await paperCount()).toBe(8);
    const read = await stack.request<{ paper: { title: string } }>('{ paper(id: "plain-malaria") { title } }');
    expect(read.body.data!.paper.title).toBe(revised.title);
  });
});

describe('searchPapers through the gateway', () => {
  test('every mode ranks term matches above the rest', async () => {
    for (const mode of ['BM25', 'DENSE', 'HYBRID']) {
      const { body } = await search('manganese dissolution cathode', mode);
      expect(body.errors, mode).toBeUndefined();
      const edges = body.data!.searchPapers.edges;
      expect(edges[0].node.id, mode).toBe('beir-spinel');
      for (let i = 1; i < edges.length; i++) expect(edges[i].score, mode).toBeLessThanOrEqual(edges[i - 1].score);
      if (mode !== 'BM25') {
        // DENSE and HYBRID score 1 + s for papers with a query term, s in [0, 1] otherwise.
        const matching = new Set(['beir-spinel', 'beir-coating']);
        for (const edge of edges) expect(edge.score > 1, `${mode} ${edge.node.id}`).toBe(matching.has(edge.node.id));
      } else {
        expect(new Set(edges.map((e) => e.node.id))).toEqual(new Set(['beir-spinel', 'beir-coating']));
      }
    }
  });

  test('normalized terms find the ligature text', async () => {
    const { body } = await search('significantly suppress electrolyte', 'BM25');
    expect(body.errors).toBeUndefined();
    const [hit] = body.data!.searchPapers.edges;
    expect(hit.node.id).toBe('beir-coating');
    const stored = await storedText(['beir-coating']);
    const highlight = hit.highlights[0];
    expect(highlight.text).toBe(stored.get('beir-coating')!.abstract.slice(highlight.start, highlight.end));
    expect(highlight.text).toContain('signiﬁcantly');
  });

  test('highlights quote the stored abstract', async () => {
    const { body } = await search('vanadium carbide hydrogen traps', 'HYBRID');
    const [hit] = body.data!.searchPapers.edges;
    expect(hit.node.id).toBe('plain-steel');
    const stored = await storedText(['plain-steel']);
    expect(hit.highlights.length).toBeGreaterThan(0);
    for (const highlight of hit.highlights) {
      expect(highlight.text).toBe(stored.get('plain-steel')!.abstract.slice(highlight.start, highlight.end));
      expect(highlight.text.toLowerCase()).toContain('vanadium');
    }
  });

  test('filters apply before ranking', async () => {
    const cases: [Record<string, unknown>, string[]][] = [
      [{ yearFrom: 2019, yearTo: 2020 }, ['plain-steel']],
      [{ venue: 'acta materialia' }, ['plain-nickel']],
      // RIS keeps authors as written ("Last, First"), BibTeX and JSONL as "First Last".
      [{ authors: ['Lena Berg'] }, ['plain-steel', 'plain-nickel']],
      [{ authors: ['Lena Berg', 'Berg, Lena'] }, ['plain-steel', 'plain-nickel', 'ris-zeolite']],
      [{ fields: ['metallurgy'] }, ['plain-steel', 'plain-nickel']],
      [{ hasDoi: true, fields: ['metallurgy'] }, ['plain-steel']],
      [{ hasDoi: false, authors: ['Lena Berg'] }, ['plain-nickel']],
    ];
    for (const [filter, expected] of cases) {
      // DENSE ranks every paper that passes, so the hits are exactly the filtered set.
      const { body } = await search('creep hydrogen water', 'DENSE', filter);
      expect(body.errors, JSON.stringify(filter)).toBeUndefined();
      expect(new Set(body.data!.searchPapers.edges.map((e) => e.node.id)), JSON.stringify(filter)).toEqual(new Set(expected));
    }
  });

  test('pages follow the cursor', async () => {
    const first = await search('copper', 'HYBRID', undefined, 2);
    // HYBRID ranks every stored paper, term matches first.
    expect(first.body.data!.searchPapers.totalCount).toBe(8);
    expect(first.body.data!.searchPapers.hasNextPage).toBe(true);
    const all = await search('copper', 'HYBRID', undefined, 20);
    const second = await stack.request<Search>(SEARCH, { q: 'copper', mode: 'HYBRID', first: 2, after: first.body.data!.searchPapers.endCursor });
    const ids = [...first.body.data!.searchPapers.edges, ...second.body.data!.searchPapers.edges].map((e) => e.node.id);
    expect(ids).toEqual(all.body.data!.searchPapers.edges.slice(0, 4).map((e) => e.node.id));
  });

  test('bad searches keep their codes', async () => {
    const empty = await search('   ', 'BM25');
    expectError(empty.body.errors, 'BAD_USER_INPUT', 'query is empty');
    const long = await search('word '.repeat(500), 'BM25');
    expectError(long.body.errors, 'LIMIT_EXCEEDED', 'SCIFED_LITERATURE_MAX_QUERY_CHARS');
    const deep = await stack.request(SEARCH, { q: 'copper', mode: 'BM25', first: 10, after: Buffer.from('offset:999').toString('base64url') });
    expectError(deep.body.errors, 'LIMIT_EXCEEDED', 'SCIFED_LITERATURE_MAX_SEARCH_DEPTH');
    const venue = await search('copper', 'BM25', { venue: 'Nature' });
    expectError(venue.body.errors, 'BAD_USER_INPUT', 'filter.venue "Nature" matches no stored paper');
    const years = await search('copper', 'BM25', { yearFrom: 2021, yearTo: 2019 });
    expectError(years.body.errors, 'BAD_USER_INPUT', 'filter.yearFrom (2021) is after filter.yearTo (2019)');
    const vector = await stack.request('{ searchPapers(query: "copper", mode: BM25, vector: [1, 0]) { totalCount } }');
    expectError(vector.body.errors, 'BAD_USER_INPUT', 'vector applies to DENSE and HYBRID searches');
  });
});

describe('ask through the gateway', () => {
  test('every citation quotes the stored text exactly', async () => {
    const questions = [
      'Why does manganese dissolution shorten the life of spinel cathodes?',
      'How do oxide coatings affect side reactions with the electrolyte?',
      'What traps hydrogen in martensitic steel?',
      'How does pulsed current change copper interconnect lifetime?',
    ];
    for (const question of questions) {
      const { body } = await stack.request<Ask>(ASK, { q: question });
      expect(body.errors, question).toBeUndefined();
      const answer = body.data!.ask;
      expect(answer.sentences.length, question).toBeGreaterThan(0);
      expect(answer.text).toBe(answer.sentences.map((s) => s.text).join(' '));
      await expectExactCitations(answer);
    }
  });

  test('a follow-up keeps the conversation subject', async () => {
    const first = await stack.request<Ask>(ASK, { q: 'What limits spinel LiMn2O4 cathodes?' });
    const conversationId = first.body.data!.ask.conversationId;
    expect(first.body.data!.ask.sentences[0].citations[0].paperId).toBe('beir-spinel');

    // Alone, "at high temperature" cites the coating paper first. With the first turn it cites the spinel paper first.
    const alone = await stack.request<Ask>(ASK, { q: 'And at high temperature?' });
    expect(alone.body.data!.ask.sentences[0].citations[0].paperId).not.toBe('beir-spinel');
    const followUp = await stack.request<Ask>(ASK, { q: 'And at high temperature?', c: conversationId });
    expect(followUp.body.errors).toBeUndefined();
    expect(followUp.body.data!.ask.conversationId).toBe(conversationId);
    expect(followUp.body.data!.ask.sentences[0].citations[0].paperId).toBe('beir-spinel');
    await expectExactCitations(followUp.body.data!.ask);

    const unknown = await stack.request<Ask>(ASK, { q: 'And then?', c: 'no-such-conversation' });
    expectError(unknown.body.errors, 'NOT_FOUND', 'conversation "no-such-conversation" was not found');
  });

  test('a filter limits the cited papers', async () => {
    const { body } = await stack.request<Ask>(ASK, { q: 'copper grain boundaries diffusion', filter: { yearFrom: 2018, yearTo: 2018 } });
    expect(body.errors).toBeUndefined();
    for (const sentence of body.data!.ask.sentences) for (const c of sentence.citations) expect(c.paperId).toBe('okafor2018');
    await expectExactCitations(body.data!.ask);
  });

  test('nothing matching gives an empty answer', async () => {
    const { body } = await stack.request<Ask>(ASK, { q: 'quasar redshift' });
    expect(body.errors).toBeUndefined();
    expect(body.data!.ask.sentences).toEqual([]);
    expect(body.data!.ask.text).toContain('No stored paper contains the terms');
  });
});

describe('paper links through the gateway', () => {
  test('references, referenceIds and citedBy', async () => {
    const { body } = await stack.request<{ steel: { references: { id: string }[]; referenceIds: string[] }; nickel: { citedBy: { id: string }[] } }>(
      '{ steel: paper(id: "plain-steel") { references { id } referenceIds } nickel: paper(id: "plain-nickel") { citedBy { id } } }',
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.steel.references).toEqual([{ id: 'plain-nickel' }]);
    expect(body.data!.steel.referenceIds).toEqual(['plain-nickel', 'never-stored']);
    expect(body.data!.nickel.citedBy).toEqual([{ id: 'plain-steel' }]);
  });

  test('relatedPapers ranks the nearest first', async () => {
    const { body } = await stack.request<{ relatedPapers: { paper: { id: string }; score: number }[] }>('{ relatedPapers(id: "beir-spinel", first: 3) { paper { id } score } }');
    expect(body.errors).toBeUndefined();
    const related = body.data!.relatedPapers;
    expect(related).toHaveLength(3);
    expect(related.map((r) => r.paper.id)).not.toContain('beir-spinel');
    expect(related[0].paper.id).toBe('beir-coating');
    for (let i = 1; i < related.length; i++) expect(related[i].score).toBeLessThanOrEqual(related[i - 1].score);
    const unknown = await stack.request('{ relatedPapers(id: "nope") { score } }');
    expectError(unknown.body.errors, 'NOT_FOUND', 'paper "nope" was not found');
  });

  test('exportBibtex round-trips a paper', async () => {
    const { body } = await stack.request<{ exportBibtex: string }>('{ exportBibtex(ids: ["okafor2018", "plain-steel"]) }');
    expect(body.errors).toBeUndefined();
    const bibtex = body.data!.exportBibtex;
    expect(bibtex.indexOf('{okafor2018,')).toBeLessThan(bibtex.indexOf('{plain-steel,'));
    expect(bibtex).toContain('10.5555/cu.2018.7');

    const deleted = await stack.request<{ deletePaper: string }>('mutation { deletePaper(id: "okafor2018") }');
    expect(deleted.body.data!.deletePaper).toBe('okafor2018');
    const back = await ingest('BIBTEX', bibtex.slice(0, bibtex.indexOf('@', 1)));
    expect(back.body.errors).toBeUndefined();
    expect(back.body.data!.ingestPapers.papers[0]).toMatchObject({
      id: 'okafor2018',
      title: 'Copper Interconnect Reliability under Pulsed Current',
      authors: ['Mara Okafor', 'Jörg Müller'],
      year: 2018,
      doi: '10.5555/cu.2018.7',
      abstract: 'Pulsed current extended the lifetime of copper lines by 40 % compared with direct current.',
    });

    const unknown = await stack.request('{ exportBibtex(ids: ["okafor2018", "nope"]) }');
    expectError(unknown.body.errors, 'NOT_FOUND', '"nope"');
    const again = await stack.request('mutation { deletePaper(id: "nope") }');
    expectError(again.body.errors, 'NOT_FOUND', 'paper "nope" was not found');
  });

  test('Paper.materials and Material.papers', async () => {
    const { body } = await stack.request<{ spinel: { materials: { formula: string }[] }; nickel: { materials: { formula: string }[] } }>(
      '{ spinel: paper(id: "beir-spinel") { materials { formula } } nickel: paper(id: "plain-nickel") { materials { formula } } }',
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.spinel.materials.map((m) => m.formula)).toContain('LiMn2O4');
    expect(body.data!.nickel.materials.map((m) => m.formula)).toEqual(expect.arrayContaining(['AlNi3', 'Ni']));

    const copper = await stack.request<{ material: { formula: string; papers: { totalCount: number; edges: { node: { id: string } }[] } } }>(
      '{ material(formula: "Cu") { formula papers(first: 10) { totalCount edges { node { id } } } } }',
    );
    expect(copper.body.errors).toBeUndefined();
    // "copper" names the element in the BibTeX paper and the text notes.
    expect(new Set(copper.body.data!.material.papers.edges.map((e) => e.node.id))).toEqual(new Set(['okafor2018', textId]));
    expect(copper.body.data!.material.papers.totalCount).toBe(2);

    const gamma = await stack.request<{ material: { papers: { edges: { node: { id: string } }[] } } }>('{ material(formula: "Ni3Al") { papers { edges { node { id } } } } }');
    expect(gamma.body.data!.material.papers.edges.map((e) => e.node.id)).toEqual(['plain-nickel']);
  });

  test('Paper.memories joins the memory subgraph', async () => {
    const bank = await stack.request('mutation { createMemoryBank(input: { name: "reading" }) { name } }');
    expect(bank.body.errors).toBeUndefined();
    const written = await stack.request<{ writeMemory: { id: string }[] }>(
      'mutation ($t: String!) { writeMemory(input: { bank: "reading", text: $t, source: "plain-nickel", tags: ["Ni3Al"] }) { id } }',
      { t: PLAIN[1].abstract },
    );
    expect(written.body.errors).toBeUndefined();
    const { body } = await stack.request<{ paper: { id: string; memories: { totalCount: number; edges: { node: { id: string; source: string; text: string } }[] } } }>(
      '{ paper(id: "plain-nickel") { id memories { totalCount edges { node { id source text } } } } }',
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.paper.memories.totalCount).toBe(1);
    expect(body.data!.paper.memories.edges[0].node).toEqual({ id: written.body.data!.writeMemory[0].id, source: 'plain-nickel', text: PLAIN[1].abstract });

    // One material, three subgraphs: the paper mentions Ni3Al and the memory is tagged with it.
    const joined = await stack.request<{ material: { formula: string; papers: { totalCount: number }; memories: { totalCount: number } } }>(
      '{ material(formula: "AlNi3") { formula papers { totalCount } memories { totalCount } } }',
    );
    expect(joined.body.errors).toBeUndefined();
    expect(joined.body.data!.material).toEqual({ formula: 'AlNi3', papers: { totalCount: 1 }, memories: { totalCount: 1 } });
  });
});
