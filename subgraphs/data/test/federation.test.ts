import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openHarness, removeDir, type Harness } from './helpers.js';

const ENTITIES = `query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Table { name rowCount primaryKey }
    ... on Material { formula rows(first: 10) { totalCount edges { node { table column key row } } } }
  }
}`;

let h: Harness;

beforeAll(async () => {
  h = await openHarness();
  const { tables } = h.subgraph;
  await tables.createTable({
    name: 'alloys',
    primaryKey: 'id',
    columns: [
      { name: 'id', type: 'INTEGER' },
      { name: 'formula', type: 'VARCHAR' },
      { name: 'yield_mpa', type: 'DOUBLE' },
    ],
  });
  await tables.importRows('alloys', 'CSV', 'id,formula,yield_mpa\n1,Ni3Al,850\n2,AlNi3,900\n3,Cu,70\n4,not a formula,1\n');
  await tables.createTable({
    name: 'phases',
    primaryKey: 'name',
    columns: [
      { name: 'name', type: 'VARCHAR' },
      { name: 'composition', type: 'VARCHAR' },
    ],
  });
  await tables.importRows('phases', 'CSV', 'name,composition\ngamma_prime,Al1Ni3\n');
});

afterAll(async () => {
  await h.close();
  removeDir(h.dir);
});

describe('linkMaterialColumn', () => {
  it('lists the column on the table', async () => {
    const { data, errors } = await h.exec(`mutation { linkMaterialColumn(table: "alloys", column: "formula") { materialColumns } }`);
    expect(errors).toBeUndefined();
    expect(data.linkMaterialColumn.materialColumns).toEqual(['formula']);
    await h.exec(`mutation { linkMaterialColumn(table: "phases", column: "composition") { name } }`);
  });

  it('rejects a non-VARCHAR column', async () => {
    const { errors } = await h.exec(`mutation { linkMaterialColumn(table: "alloys", column: "yield_mpa") { name } }`);
    expect(errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(errors?.[0].message).toContain('only a VARCHAR column can hold formulas');
  });

  it('rejects an unknown column, naming the valid ones', async () => {
    const { errors } = await h.exec(`mutation { linkMaterialColumn(table: "alloys", column: "formular") { name } }`);
    expect(errors?.[0].message).toContain('its columns are id, formula, yield_mpa');
  });

  it('links rows inserted after the link', async () => {
    await h.subgraph.tables.insertRows('alloys', [{ id: 5, formula: 'Cu4', yield_mpa: 75 }]);
    const { data } = await h.exec(ENTITIES, { representations: [{ __typename: 'Material', formula: 'Cu' }] });
    expect(data._entities[0].rows.edges.map((e: any) => e.node.key)).toEqual(['3', '5']);
  });
});

describe('_entities', () => {
  it('resolves Material.rows across tables with the table name', async () => {
    const { data, errors } = await h.exec(ENTITIES, { representations: [{ __typename: 'Material', formula: 'AlNi3' }] });
    expect(errors).toBeUndefined();
    const rows = data._entities[0].rows;
    expect(rows.totalCount).toBe(3);
    expect(rows.edges.map((e: any) => e.node)).toEqual([
      { table: 'alloys', column: 'formula', key: '1', row: { id: 1, formula: 'Ni3Al', yield_mpa: 850 } },
      { table: 'alloys', column: 'formula', key: '2', row: { id: 2, formula: 'AlNi3', yield_mpa: 900 } },
      { table: 'phases', column: 'composition', key: 'gamma_prime', row: { name: 'gamma_prime', composition: 'Al1Ni3' } },
    ]);
  });

  it('batches lookups and keeps representation order with null for unknown keys', async () => {
    const representations = [
      { __typename: 'Table', name: 'phases' },
      { __typename: 'Material', formula: 'Cu' },
      { __typename: 'Table', name: 'unknown_table' },
      { __typename: 'Material', formula: 'AlNi3' },
      { __typename: 'Table', name: 'alloys' },
      { __typename: 'Material', formula: 'Fe' },
    ];
    const before = h.subgraph.store.db.queryCount;
    const { data, errors } = await h.exec(ENTITIES, { representations });
    const queries = h.subgraph.store.db.queryCount - before;
    expect(errors).toBeUndefined();

    expect(data._entities[0]).toEqual({ name: 'phases', rowCount: 1, primaryKey: 'name' });
    expect(data._entities[1].rows.totalCount).toBe(2);
    expect(data._entities[2]).toBeNull();
    expect(data._entities[3].rows.totalCount).toBe(3);
    expect(data._entities[4]).toEqual({ name: 'alloys', rowCount: 5, primaryKey: 'id' });
    expect(data._entities[5]).toEqual({ formula: 'Fe', rows: { totalCount: 0, edges: [] } });

    // One catalog query for the three tables; for the three materials one
    // link query, one catalog query and one row query per table involved (2).
    expect(queries).toBe(1 + 1 + 1 + 2);
  });
});
