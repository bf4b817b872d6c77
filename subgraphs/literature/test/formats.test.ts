import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { INGEST, openHarness, removeDir, type Harness } from './helpers.js';

let harness: Harness;

beforeEach(async () => {
  harness = await openHarness();
});

afterEach(async () => {
  await harness.close();
  removeDir(harness.dir);
});

const BIBTEX = String.raw`@string{jap = "Journal of Applied Physics"}
@article{silva2019,
  title = {Grain boundaries in {Cu} films: a {M}{\"o}ssbauer study},
  author = {Silva, Ana and Zhang, Wei and M{\"u}ller, J{\"o}rg},
  journal = jap,
  year = 2019,
  month = mar,
  doi = {https://doi.org/10.1000/cu.2019.1},
  abstract = {We measured diffusion in copper films \& found 50\% slower transport.},
  keywords = {diffusion, thin films}
}
@inproceedings{lee2020, title = "Olivine cathodes", author = "Lee, K.", booktitle = {Proc. Battery Conf.}, year = {2020}}
`;

const RIS = `TY  - JOUR
ID  - ris-cu
TI  - Electromigration in copper
AU  - Silva, Ana
AU  - Zhang, Wei
PY  - 2018/05/01
JO  - Microelectronics Reliability
DO  - 10.1000/em.2018
AB  - Voids grew at the cathode end
  of the line under high current density.
KW  - electromigration
KW  - reliability
ER  - 

TY  - CONF
TI  - A second record without an id
DO  - 10.1000/second
ER  - 
`;

describe('ingestPapers BIBTEX', () => {
  it('reads fields, macros, escapes and months', async () => {
    const { data, errors } = await harness.run(INGEST, { format: 'BIBTEX', content: BIBTEX });
    expect(errors).toBeUndefined();
    const [silva, lee] = data!.ingestPapers.papers;
    expect(silva.id).toBe('silva2019');
    expect(silva.title).toBe('Grain boundaries in Cu films: a Mössbauer study');
    expect(silva.authors).toEqual(['Ana Silva', 'Wei Zhang', 'Jörg Müller']);
    expect(silva.venue).toBe('Journal of Applied Physics');
    expect(silva.year).toBe(2019);
    expect(silva.doi).toBe('10.1000/cu.2019.1');
    expect(silva.abstract).toBe('We measured diffusion in copper films & found 50% slower transport.');
    expect(silva.fields).toEqual(['diffusion', 'thin films']);
    expect(silva.metadata).toEqual({ entryType: 'article', month: 3 });
    expect(lee).toMatchObject({ id: 'lee2020', venue: 'Proc. Battery Conf.', year: 2020, authors: ['K. Lee'] });
  });

  it('rejects unbalanced braces by line and stores nothing', async () => {
    const content = '@article{ok, title = {Fine}}\n\n@article{bad, title = {Unclosed, year = 2020}\n';
    const result = await harness.run(INGEST, { format: 'BIBTEX', content });
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].message).toMatch(/^line \d+: invalid BibTeX/);
    const { data } = await harness.run('{ papers { totalCount } }');
    expect(data!.papers.totalCount).toBe(0);
  });
});

describe('ingestPapers RIS', () => {
  it('reads records, wrapped lines and ids', async () => {
    const { data, errors } = await harness.run(INGEST, { format: 'RIS', content: RIS });
    expect(errors).toBeUndefined();
    const [first, second] = data!.ingestPapers.papers;
    expect(first).toMatchObject({
      id: 'ris-cu',
      title: 'Electromigration in copper',
      authors: ['Silva, Ana', 'Zhang, Wei'],
      year: 2018,
      venue: 'Microelectronics Reliability',
      doi: '10.1000/em.2018',
      abstract: 'Voids grew at the cathode end of the line under high current density.',
      fields: ['electromigration', 'reliability'],
    });
    expect(second.id).toBe('10.1000/second');
  });

  it('rejects a record without ER by line', async () => {
    const result = await harness.run(INGEST, { format: 'RIS', content: 'TY  - JOUR\nTI  - Open record\n' });
    expect(result.errors?.[0].message).toMatch(/^line 1: the record that starts here has no "ER {2}- " line/);
  });

  it('rejects a tag outside a record', async () => {
    const result = await harness.run(INGEST, { format: 'RIS', content: 'TI  - Stray title\n' });
    expect(result.errors?.[0].message).toMatch(/^line 1: tag TI appears outside a record/);
  });
});

describe('ingestPapers TEXT', () => {
  it('takes the first heading as title and the rest as body', async () => {
    const content = '# Copper diffusion notes\n\nCopper diffuses along grain boundaries.\nAnnealing slows it.\n';
    const { data } = await harness.run(INGEST, { format: 'TEXT', content });
    const [paper] = data!.ingestPapers.papers;
    expect(paper.title).toBe('Copper diffusion notes');
    expect(paper.abstract).toBe('Copper diffuses along grain boundaries.\nAnnealing slows it.');
    expect(paper.id).toMatch(/^text-[0-9a-f]{16}$/);
    const again = await harness.run(INGEST, { format: 'TEXT', content: '# Copper diffusion notes\n\nRevised body.' });
    expect(again.data!.ingestPapers.papers[0].id).toBe(paper.id);
    const { data: all } = await harness.run('{ papers { totalCount } }');
    expect(all!.papers.totalCount).toBe(1);
  });

  it('rejects empty text', async () => {
    const result = await harness.run(INGEST, { format: 'TEXT', content: ' \n\n' });
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('exportBibtex', () => {
  it('round-trips through ingestion', async () => {
    await harness.run(INGEST, { format: 'BIBTEX', content: BIBTEX });
    const { data } = await harness.run('{ exportBibtex(ids: ["silva2019"]) }');
    expect(data!.exportBibtex).toContain('@article{silva2019,');
    expect(data!.exportBibtex).toContain('\\&');
    await harness.run('mutation { deletePaper(id: "silva2019") }');
    await harness.run(INGEST, { format: 'BIBTEX', content: data!.exportBibtex });
    const { data: back } = await harness.run('{ paper(id: "silva2019") { title abstract authors year doi } }');
    expect(back!.paper).toEqual({
      title: 'Grain boundaries in Cu films: a Mössbauer study',
      abstract: 'We measured diffusion in copper films & found 50% slower transport.',
      authors: ['Ana Silva', 'Wei Zhang', 'Jörg Müller'],
      year: 2019,
      doi: '10.1000/cu.2019.1',
    });
  });

  it('names unknown ids', async () => {
    const result = await harness.run('{ exportBibtex(ids: ["nope"]) }');
    expect(result.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(result.errors?.[0].message).toMatch(/"nope"/);
  });
});
