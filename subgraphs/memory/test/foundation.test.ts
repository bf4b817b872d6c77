import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { chunkText, tokenize } from '../src/memory/tokenize.js';
import { openHarness, type Harness } from './helpers.js';

const CREATE = `mutation($name: String!) { createMemoryBank(input: {name: $name}) {
  name heads headDim tokensPerHead precision encoder decayHalfLife } }`;
const WRITE = `mutation($input: WriteMemoryInput!) { writeMemory(input: $input) {
  id text tags source chunkIndex start end tokenCount materials { formula } bank { name } } }`;

describe('memory foundation', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('createMemoryBank with only a name uses the defaults', async () => {
    const result = await h.execute(CREATE, { name: 'notes' });
    expect(result.errors).toBeUndefined();
    expect(result.data!.createMemoryBank).toEqual({
      name: 'notes', heads: 8, headDim: 64, tokensPerHead: 8, precision: 'F16', encoder: 'BUILTIN_TEXT', decayHalfLife: null,
    });
  });

  it('createMemoryBank rejects a duplicate name', async () => {
    await h.execute(CREATE, { name: 'dup' });
    const result = await h.execute(CREATE, { name: 'dup' });
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].message).toContain('"dup"');
  });

  it('writeMemory links formula tags to materials', async () => {
    const result = await h.execute(WRITE, {
      input: { bank: 'notes', text: 'Ni3Al hardens by ordering.', tags: ['Ni3Al', 'superalloy', 'Cu'], source: 'paper-1' },
    });
    expect(result.errors).toBeUndefined();
    const [memory] = result.data!.writeMemory;
    expect(memory.text).toBe('Ni3Al hardens by ordering.');
    expect(memory.tags).toEqual(['Ni3Al', 'superalloy', 'Cu']);
    expect(memory.materials).toEqual([{ formula: 'AlNi3' }, { formula: 'Cu' }]);
    expect(memory.source).toBe('paper-1');
    expect(memory.bank).toEqual({ name: 'notes' });
    expect(memory.tokenCount).toBe(5);

    const read = await h.execute('query($id: ID!) { memory(id: $id) { id text } }', { id: memory.id });
    expect(read.data!.memory).toEqual({ id: memory.id, text: memory.text });
  });

  it('memory returns null for an unknown id', async () => {
    const read = await h.execute('{ memory(id: "nope") { id } }');
    expect(read.errors).toBeUndefined();
    expect(read.data!.memory).toBeNull();
  });

  it('writeMemory splits long text into chunks of at most 128 tokens', async () => {
    const sentence = 'Copper has a face centred cubic lattice with a lattice constant near 3.6 angstrom. ';
    const text = sentence.repeat(20);
    const result = await h.execute(WRITE, { input: { bank: 'notes', text } });
    expect(result.errors).toBeUndefined();
    const chunks = result.data!.writeMemory as { text: string; start: number; end: number; tokenCount: number; chunkIndex: number }[];
    expect(chunks.length).toBeGreaterThan(1);
    chunks.forEach((chunk, i) => {
      expect(chunk.chunkIndex).toBe(i);
      expect(chunk.tokenCount).toBeLessThanOrEqual(128);
      expect(text.slice(chunk.start, chunk.end)).toBe(chunk.text);
    });
    const total = chunks.reduce((n, c) => n + c.tokenCount, 0);
    expect(total).toBe(tokenize(text).length);
  });

  it('Material.memories and Paper.memories resolve through _entities', async () => {
    await h.execute(WRITE, { input: { bank: 'notes', text: 'AlNi3 is the gamma prime phase.', tags: ['AlNi3'], source: 'paper-2' } });
    const result = await h.execute(
      `query($reps: [_Any!]!) { _entities(representations: $reps) {
        ... on Material { formula memories { totalCount edges { node { text } } } }
        ... on Paper { id memories { totalCount edges { node { source } } } } } }`,
      {
        reps: [
          { __typename: 'Material', formula: 'AlNi3' },
          { __typename: 'Paper', id: 'paper-1' },
          { __typename: 'Material', formula: 'Fe' },
        ],
      },
    );
    expect(result.errors).toBeUndefined();
    const [alni3, paper, iron] = result.data!._entities;
    expect(alni3.memories.totalCount).toBe(2);
    expect(alni3.memories.edges.map((e: any) => e.node.text)).toEqual(['Ni3Al hardens by ordering.', 'AlNi3 is the gamma prime phase.']);
    expect(paper).toEqual({ id: 'paper-1', memories: { totalCount: 1, edges: [{ node: { source: 'paper-1' } }] } });
    expect(iron.memories.totalCount).toBe(0);
  });

  it('_entities batches lookups into one query per kind', async () => {
    const written = await h.execute(WRITE, { input: { bank: 'notes', text: 'Iron is bcc at room temperature.', tags: ['Fe'] } });
    const id = written.data!.writeMemory[0].id;
    const before = h.subgraph.store.db.queryCount;
    const result = await h.execute(
      `query($reps: [_Any!]!) { _entities(representations: $reps) {
        ... on Memory { id text }
        ... on Material { formula memories(first: 1) { totalCount } } } }`,
      {
        reps: [
          { __typename: 'Material', formula: 'Cu' },
          { __typename: 'Memory', id: 'missing' },
          { __typename: 'Material', formula: 'Fe' },
          { __typename: 'Memory', id },
          { __typename: 'Material', formula: 'AlNi3' },
        ],
      },
    );
    const queries = h.subgraph.store.db.queryCount - before;
    expect(result.errors).toBeUndefined();
    const entities = result.data!._entities;
    expect(entities[0]).toEqual({ formula: 'Cu', memories: { totalCount: 1 } });
    expect(entities[1]).toBeNull();
    expect(entities[2]).toEqual({ formula: 'Fe', memories: { totalCount: 1 } });
    expect(entities[3]).toEqual({ id, text: 'Iron is bcc at room temperature.' });
    expect(entities[4]).toEqual({ formula: 'AlNi3', memories: { totalCount: 2 } });
    // One query for the Memory representations, one for every Material.memories page.
    expect(queries).toBe(2);
  });

  it('memories lists a bank by tag', async () => {
    const result = await h.execute('{ memories(bank: "notes", tag: "Cu", first: 5) { totalCount edges { node { tags } } } }');
    expect(result.errors).toBeUndefined();
    expect(result.data!.memories.totalCount).toBe(1);
    expect(result.data!.memories.edges[0].node.tags).toContain('Cu');
  });

  it('bad inputs name the value and store nothing', async () => {
    const before = await h.execute('{ memories(bank: "notes") { totalCount } }');
    const cases: [Record<string, unknown>, string, string][] = [
      [{ bank: 'nowhere', text: 'hello' }, 'NOT_FOUND', '"nowhere"'],
      [{ bank: 'notes', text: '   ' }, 'BAD_USER_INPUT', 'empty'],
      [{ bank: 'notes', text: 'hello', tags: ['ok', ' '] }, 'BAD_USER_INPUT', 'tags[1]'],
    ];
    for (const [input, code, fragment] of cases) {
      const result = await h.execute(WRITE, { input });
      expect(result.errors?.[0].extensions?.code, JSON.stringify(input)).toBe(code);
      expect(result.errors?.[0].message).toContain(fragment);
    }
    const badName = await h.execute(CREATE, { name: 'has space' });
    expect(badName.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(badName.errors?.[0].message).toContain('"has space"');
    const unknownBank = await h.execute('{ memories(bank: "nowhere") { totalCount } }');
    expect(unknownBank.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const after = await h.execute('{ memories(bank: "notes") { totalCount } }');
    expect(after.data!.memories.totalCount).toBe(before.data!.memories.totalCount);
  });
});

describe('chunkText', () => {
  it('ends a chunk at a sentence end in the second half of the window', () => {
    const text = 'a b c d e f. g h i j';
    const chunks = chunkText(text, 8);
    expect(chunks.map((c) => c.text)).toEqual(['a b c d e f.', 'g h i j']);
    expect(chunks[1].tokens[0]).toEqual({ text: 'g', start: 0, end: 1 });
  });

  it('keeps formulas and decimals as single tokens', () => {
    expect(tokenize('Ni3Al: a = 3.57 Å.').map((t) => t.text)).toEqual(['Ni3Al', ':', 'a', '=', '3.57', 'Å', '.']);
  });
});
