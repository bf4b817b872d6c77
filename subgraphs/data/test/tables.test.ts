import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openHarness, removeDir, type Harness } from './helpers.js';

const CREATE = `mutation($input: CreateTableInput!) { createTable(input: $input) { name primaryKey rowCount columns { name type dimension } } }`;
const IMPORT = `mutation($table: String!, $format: ImportFormat!, $content: String!) {
  importRows(table: $table, format: $format, content: $content) { inserted replaced table { rowCount } }
}`;
const TABLE = `query($name: String!) { table(name: $name) { name primaryKey rowCount materialColumns columns { name type dimension } } }`;

let h: Harness;

beforeAll(async () => {
  h = await openHarness();
  const created = await h.exec(CREATE, {
    input: {
      name: 'alloys',
      primaryKey: 'id',
      columns: [
        { name: 'id', type: 'VARCHAR' },
        { name: 'formula', type: 'VARCHAR' },
        { name: 'density', type: 'DOUBLE' },
        { name: 'tested', type: 'BOOLEAN' },
      ],
    },
  });
  expect(created.errors).toBeUndefined();
});

afterAll(async () => {
  await h.close();
  removeDir(h.dir);
});

describe('createTable and table', () => {
  it('returns the declared columns and zero rows', async () => {
    const { data, errors } = await h.exec(TABLE, { name: 'alloys' });
    expect(errors).toBeUndefined();
    expect(data.table).toEqual({
      name: 'alloys',
      primaryKey: 'id',
      rowCount: 0,
      materialColumns: [],
      columns: [
        { name: 'id', type: 'VARCHAR', dimension: null },
        { name: 'formula', type: 'VARCHAR', dimension: null },
        { name: 'density', type: 'DOUBLE', dimension: null },
        { name: 'tested', type: 'BOOLEAN', dimension: null },
      ],
    });
  });

  it('returns null for an unknown table', async () => {
    const { data } = await h.exec(TABLE, { name: 'nope' });
    expect(data.table).toBeNull();
  });

  it('rejects a duplicate name ignoring case', async () => {
    const { errors } = await h.exec(CREATE, { input: { name: 'ALLOYS', primaryKey: 'id', columns: [{ name: 'id', type: 'INTEGER' }] } });
    expect(errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(errors?.[0].message).toContain('"alloys" already exists');
  });

  it('rejects an invalid identifier', async () => {
    const { errors } = await h.exec(CREATE, { input: { name: 'x; DROP TABLE y', primaryKey: 'id', columns: [{ name: 'id', type: 'INTEGER' }] } });
    expect(errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(errors?.[0].message).toContain('not a valid identifier');
  });

  it('rejects a primary key that is not a column', async () => {
    const { errors } = await h.exec(CREATE, { input: { name: 't2', primaryKey: 'key', columns: [{ name: 'id', type: 'INTEGER' }] } });
    expect(errors?.[0].message).toContain('primaryKey "key" is not a column');
  });

  it('rejects a VECTOR column without a dimension', async () => {
    const { errors } = await h.exec(CREATE, {
      input: { name: 't3', primaryKey: 'id', columns: [{ name: 'id', type: 'INTEGER' }, { name: 'v', type: 'VECTOR' }] },
    });
    expect(errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(errors?.[0].message).toContain('needs a dimension');
  });
});

describe('importRows CSV', () => {
  it('stores every row and coerces types', async () => {
    const csv = 'id,formula,density,tested\r\na1,Ni3Al,7.5,true\na2,"Cu",8.96,false\n"a,3","Al Ni3",,\n';
    const { data, errors } = await h.exec(IMPORT, { table: 'alloys', format: 'CSV', content: csv });
    expect(errors).toBeUndefined();
    expect(data.importRows).toEqual({ inserted: 3, replaced: 0, table: { rowCount: 3 } });
    const rows = await h.subgraph.store.rowsByKeys((await h.subgraph.tables.requireTable('alloys'))!, ['a1', 'a,3']);
    expect(rows[0]).toEqual({ id: 'a1', formula: 'Ni3Al', density: 7.5, tested: true });
    expect(rows[1]).toEqual({ id: 'a,3', formula: 'Al Ni3', density: null, tested: null });
  });

  it('rejects a row with the wrong column count and stores nothing', async () => {
    const csv = 'id,formula,density,tested\nb1,Fe,7.87,true\nb2,Fe,7.87\n';
    const { errors } = await h.exec(IMPORT, { table: 'alloys', format: 'CSV', content: csv });
    expect(errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(errors?.[0].message).toBe('CSV line 3 has 3 fields, but the header has 4 (id, formula, density, tested).');
    const { data } = await h.exec(TABLE, { name: 'alloys' });
    expect(data.table.rowCount).toBe(3);
  });

  it('names the line and column of a bad value and stores nothing', async () => {
    const csv = 'id,density\nc1,1.0\nc2,heavy\n';
    const { errors } = await h.exec(IMPORT, { table: 'alloys', format: 'CSV', content: csv });
    expect(errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(errors?.[0].message).toContain('line 3, column "density": "heavy" is not a number');
    const { data } = await h.exec(TABLE, { name: 'alloys' });
    expect(data.table.rowCount).toBe(3);
  });

  it('rejects a key that already exists, naming the line', async () => {
    const csv = 'id,density\nd1,1.0\na1,2.0\n';
    const { errors } = await h.exec(IMPORT, { table: 'alloys', format: 'CSV', content: csv });
    expect(errors?.[0].message).toContain('line 3: key "a1" already exists');
    const { data } = await h.exec(TABLE, { name: 'alloys' });
    expect(data.table.rowCount).toBe(3);
  });

  it('rejects a header column the table lacks', async () => {
    const csv = 'id,colour\nz,red\n';
    const { errors } = await h.exec(IMPORT, { table: 'alloys', format: 'CSV', content: csv });
    expect(errors?.[0].message).toContain('"colour" is not a column of table "alloys"');
  });

  it('returns NOT_FOUND for an unknown table', async () => {
    const { errors } = await h.exec(IMPORT, { table: 'missing', format: 'CSV', content: 'id\n1\n' });
    expect(errors?.[0].extensions.code).toBe('NOT_FOUND');
    expect(errors?.[0].message).toContain('table "missing" was not found');
  });
});
