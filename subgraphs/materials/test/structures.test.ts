import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { openTestSubgraph, type TestSubgraph } from './helpers.js';

let t: TestSubgraph;
beforeAll(async () => {
  t = await openTestSubgraph();
});
afterAll(async () => {
  await t.close();
});

const BUILD = `mutation Build($input: BuildCrystalInput!) {
  buildCrystal(input: $input) { id formula elements natoms cell pbc positions species sourceFormat }
}`;

interface Built {
  buildCrystal: { id: string; formula: string; elements: string[]; natoms: number; cell: number[][]; pbc: boolean[]; positions: number[][]; species: string[]; sourceFormat: string };
}

describe('buildCrystal', () => {
  test('fcc copper conventional cell', async () => {
    const { data, errors } = await t.run<Built>(BUILD, { input: { element: 'Cu', prototype: 'FCC', a: 3.615 } });
    expect(errors).toBeUndefined();
    const s = data!.buildCrystal;
    expect(s.formula).toBe('Cu');
    expect(s.natoms).toBe(4);
    expect(s.cell).toEqual([[3.615, 0, 0], [0, 3.615, 0], [0, 0, 3.615]]);
    expect(s.pbc).toEqual([true, true, true]);
    expect(s.positions[1]).toEqual([0, 1.8075, 1.8075]);
    expect(s.sourceFormat).toBe('BUILD');
  });

  test('atom counts of every prototype with repeats', async () => {
    const cases = [
      { prototype: 'SC', element: 'Po', a: 3.35, repeat: [2, 2, 2], natoms: 8 },
      { prototype: 'BCC', element: 'Fe', a: 2.87, repeat: [2, 1, 1], natoms: 4 },
      { prototype: 'FCC', element: 'Al', a: 4.05, repeat: [3, 3, 3], natoms: 108 },
      { prototype: 'DIAMOND', element: 'Si', a: 5.431, repeat: [1, 1, 1], natoms: 8 },
      { prototype: 'HCP', element: 'Mg', a: 3.21, repeat: [2, 2, 2], natoms: 16 },
    ];
    for (const { natoms, ...input } of cases) {
      const { data, errors } = await t.run<Built>(BUILD, { input });
      expect(errors, input.prototype).toBeUndefined();
      expect(data!.buildCrystal.natoms, input.prototype).toBe(natoms);
      expect(data!.buildCrystal.species.every((s) => s === input.element)).toBe(true);
    }
  });

  test('hcp uses ideal c/a and a 120 degree cell', async () => {
    const { data } = await t.run<Built>(BUILD, { input: { element: 'Mg', prototype: 'HCP', a: 3.2 } });
    const [a, b, c] = data!.buildCrystal.cell;
    expect(a).toEqual([3.2, 0, 0]);
    expect(b[0]).toBeCloseTo(-1.6, 12);
    expect(b[1]).toBeCloseTo(3.2 * Math.sqrt(3) / 2, 12);
    expect(c[2]).toBeCloseTo(3.2 * Math.sqrt(8 / 3), 12);
    // Nearest-neighbour distance in ideal hcp equals a.
    const [p0, p1] = data!.buildCrystal.positions;
    const d = Math.hypot(p1[0] - p0[0], p1[1] - p0[1], p1[2] - p0[2]);
    expect(d).toBeCloseTo(3.2, 10);
  });

  test('diamond nearest neighbours at a·sqrt(3)/4', async () => {
    const { data } = await t.run<Built>(BUILD, { input: { element: 'C', prototype: 'DIAMOND', a: 3.567 } });
    const [p0, , , , p4] = data!.buildCrystal.positions;
    expect(Math.hypot(p4[0] - p0[0], p4[1] - p0[1], p4[2] - p0[2])).toBeCloseTo((3.567 * Math.sqrt(3)) / 4, 12);
  });
});

describe('structure queries', () => {
  test('structure by id round trip', async () => {
    const built = await t.run<Built>(BUILD, { input: { element: 'Ni', prototype: 'FCC', a: 3.52, name: 'nickel' } });
    const id = built.data!.buildCrystal.id;
    const { data } = await t.run<{ structure: { id: string; name: string; positions: number[][] } }>(
      'query ($id: ID!) { structure(id: $id) { id name positions } }',
      { id },
    );
    expect(data!.structure.id).toBe(id);
    expect(data!.structure.name).toBe('nickel');
    expect(data!.structure.positions).toEqual(built.data!.buildCrystal.positions);
  });

  test('unknown id is null', async () => {
    const { data, errors } = await t.run<{ structure: null }>('{ structure(id: "no-such-id") { id } }');
    expect(errors).toBeUndefined();
    expect(data!.structure).toBeNull();
  });

  test('structures pages with cursors and a formula filter', async () => {
    for (let i = 0; i < 3; i++) await t.run(BUILD, { input: { element: 'W', prototype: 'BCC', a: 3.16 } });
    type Page = { structures: { totalCount: number; edges: { cursor: string; node: { formula: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
    const first = await t.run<Page>('{ structures(first: 2, formula: "W2") { totalCount edges { cursor node { formula } } pageInfo { hasNextPage endCursor } } }');
    expect(first.data!.structures.totalCount).toBe(3);
    expect(first.data!.structures.edges).toHaveLength(2);
    expect(first.data!.structures.pageInfo.hasNextPage).toBe(true);
    const second = await t.run<Page>('query ($after: String) { structures(first: 2, formula: "W", after: $after) { totalCount edges { cursor node { formula } } pageInfo { hasNextPage endCursor } } }', {
      after: first.data!.structures.pageInfo.endCursor,
    });
    expect(second.data!.structures.edges).toHaveLength(1);
    expect(second.data!.structures.edges[0].node.formula).toBe('W');
    expect(second.data!.structures.pageInfo.hasNextPage).toBe(false);
  });
});

describe('bad input', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['non-positive lattice constant', { element: 'Cu', prototype: 'FCC', a: -1 }, /a \(lattice constant\) must be a positive number of Å, got -1/],
    ['unknown element', { element: 'Xx', prototype: 'FCC', a: 3.6 }, /element "Xx" is not a chemical element symbol/],
    ['bad repeat', { element: 'Cu', prototype: 'FCC', a: 3.6, repeat: [2, 0, 1] }, /repeat must be three positive integers/],
    ['c on a cubic prototype', { element: 'Cu', prototype: 'FCC', a: 3.6, c: 5 }, /c applies only to the HCP prototype/],
  ];
  for (const [name, input, message] of cases) {
    test(name, async () => {
      const before = await t.subgraph.store.listStructures({ offset: 0, limit: 0 });
      const { errors } = await t.run(BUILD, { input });
      expect(errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(errors?.[0].message).toMatch(message);
      const after = await t.subgraph.store.listStructures({ offset: 0, limit: 0 });
      expect(after.total).toBe(before.total);
    });
  }

  test('unknown prototype names the valid values', async () => {
    const { errors } = await t.run(BUILD, { input: { element: 'Cu', prototype: 'ICOSAHEDRAL', a: 3.6 } });
    expect(errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors?.[0].message).toMatch(/ICOSAHEDRAL/);
    expect(errors?.[0].message).toMatch(/FCC/);
  });

  test('atom limit', async () => {
    const { errors } = await t.run(BUILD, { input: { element: 'Cu', prototype: 'FCC', a: 3.6, repeat: [100, 100, 100] } });
    expect(errors?.[0].extensions?.code).toBe('LIMIT_EXCEEDED');
    expect(errors?.[0].message).toMatch(/4000000 atoms, above the limit of 500000/);
  });

  test('invalid formula argument', async () => {
    const { errors } = await t.run('{ material(formula: "Copper!") { formula } }');
    expect(errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors?.[0].message).toMatch(/"Copper!" is not a chemical formula/);
  });
});

describe('federation', () => {
  test('entities are batched into one query, in order, with nulls', async () => {
    const a = (await t.run<Built>(BUILD, { input: { element: 'Pt', prototype: 'FCC', a: 3.92 } })).data!.buildCrystal.id;
    const b = (await t.run<Built>(BUILD, { input: { element: 'Pd', prototype: 'FCC', a: 3.89 } })).data!.buildCrystal.id;
    const representations = [
      { __typename: 'Structure', id: b },
      { __typename: 'Structure', id: 'missing' },
      { __typename: 'Structure', id: a },
    ];
    const before = t.subgraph.store.db.queryCount;
    const { data, errors } = await t.run<{ _entities: ({ id: string; formula: string } | null)[] }>(
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Structure { id formula } } }',
      { r: representations },
    );
    expect(errors).toBeUndefined();
    expect(t.subgraph.store.db.queryCount - before).toBe(1);
    expect(data!._entities).toEqual([{ id: b, formula: 'Pd' }, null, { id: a, formula: 'Pt' }]);
  });

  test('Material.structures for many materials is one query', async () => {
    const representations = ['Pt', 'Pd', 'Zn'].map((formula) => ({ __typename: 'Material', formula }));
    const before = t.subgraph.store.db.queryCount;
    const { data } = await t.run<{ _entities: { formula: string; structures: { totalCount: number } }[] }>(
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Material { formula structures { totalCount } } } }',
      { r: representations },
    );
    expect(t.subgraph.store.db.queryCount - before).toBe(1);
    expect(data!._entities.map((m) => m.structures.totalCount)).toEqual([1, 1, 0]);
  });
});

describe('crystal and CIF checks', () => {
  test('crystal with overlapping atoms is rejected', async () => {
    const { errors } = await t.run(BUILD, { input: { element: 'Cu', prototype: 'FCC', a: 0.05 } });
    expect(errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors?.[0].message).toMatch(/closer than 0\.1 Å/);
  });

  test('CIF symmetry under the CIF 1.1 core tag', async () => {
    const cif = [
      'data_NaCl',
      '_cell_length_a 5.64',
      '_cell_length_b 5.64',
      '_cell_length_c 5.64',
      '_cell_angle_alpha 90',
      '_cell_angle_beta 90',
      '_cell_angle_gamma 90',
      "_symmetry_space_group_name_H-M 'F m -3 m'",
      'loop_',
      '_symmetry_equiv_pos_as_xyz',
      "'x, y, z'",
      "'x, y+1/2, z+1/2'",
      "'x+1/2, y, z+1/2'",
      "'x+1/2, y+1/2, z'",
      'loop_',
      '_atom_site_label',
      '_atom_site_type_symbol',
      '_atom_site_fract_x',
      '_atom_site_fract_y',
      '_atom_site_fract_z',
      'Na1 Na 0 0 0',
      'Cl1 Cl 0.5 0.5 0.5',
      '',
    ].join('\n');
    const { data, errors } = await t.run<{ importStructures: { formula: string; natoms: number }[] }>(
      'mutation ($c: String!) { importStructures(format: CIF, content: $c) { formula natoms } }',
      { c: cif },
    );
    expect(errors).toBeUndefined();
    expect(data!.importStructures[0].natoms).toBe(8);
    expect(data!.importStructures[0].formula).toBe('ClNa');
  });
});
