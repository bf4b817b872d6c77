import { existsSync } from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openHarness, removeDir, type Harness } from './helpers.js';

const SQL = `query($query: String!, $params: [JSON!]) { sql(query: $query, params: $params) { columns { name type } rows truncated } }`;

let h: Harness;

async function sql(query: string, params?: unknown[]) {
  return h.exec(SQL, { query, params });
}

beforeAll(async () => {
  process.env.SCIFED_SQL_MAX_ROWS = '5';
  process.env.SCIFED_SQL_TIMEOUT_MS = '300';
  h = await openHarness();
  delete process.env.SCIFED_SQL_MAX_ROWS;
  delete process.env.SCIFED_SQL_TIMEOUT_MS;
  await h.subgraph.tables.createTable({
    name: 'runs',
    primaryKey: 'id',
    columns: [
      { name: 'id', type: 'BIGINT' },
      { name: 'started', type: 'TIMESTAMP' },
      { name: 'energy', type: 'DOUBLE' },
    ],
  });
  await h.subgraph.tables.insertRows('runs', [
    { id: '9223372036854775807', started: '2024-03-01T08:30:00.000001Z', energy: -3.5 },
    { id: 1, started: '2024-03-02T00:00:00Z', energy: -1.25 },
  ]);
});

afterAll(async () => {
  await h.close();
  removeDir(h.dir);
});

describe('sql values', () => {
  it('keeps BIGINT exact and timestamps in ISO 8601', async () => {
    const { data, errors } = await sql('SELECT id, started, energy FROM runs ORDER BY id');
    expect(errors).toBeUndefined();
    expect(data.sql.columns).toEqual([
      { name: 'id', type: 'BIGINT' },
      { name: 'started', type: 'TIMESTAMP' },
      { name: 'energy', type: 'DOUBLE' },
    ]);
    expect(data.sql.rows).toEqual([
      [1, '2024-03-02T00:00:00.000Z', -1.25],
      ['9223372036854775807', '2024-03-01T08:30:00.000001Z', -3.5],
    ]);
    expect(data.sql.truncated).toBe(false);
  });

  it('keeps NULLs inside lists', async () => {
    const { data, errors } = await sql('SELECT [1, NULL, 3] AS l, NULL AS n');
    expect(errors).toBeUndefined();
    expect(data.sql.rows).toEqual([[[1, null, 3], null]]);
  });

  it('binds positional parameters', async () => {
    const { data, errors } = await sql('SELECT id FROM runs WHERE energy < $1 AND id > $2', [-2, 0]);
    expect(errors).toBeUndefined();
    expect(data.sql.rows).toEqual([['9223372036854775807']]);
  });

  it('accepts WITH statements', async () => {
    const { data } = await sql('WITH e AS (SELECT energy FROM runs) SELECT sum(energy) AS total FROM e');
    expect(data.sql.rows).toEqual([[-4.75]]);
  });

  it('truncates at the row limit', async () => {
    const { data } = await sql('SELECT * FROM range(100)');
    expect(data.sql.rows).toHaveLength(5);
    expect(data.sql.truncated).toBe(true);
  });

  it('interrupts a statement past the timeout', async () => {
    const { errors } = await sql('SELECT count(*) FROM range(1000000000) a, range(1000) b WHERE a.range * b.range = -1');
    expect(errors?.[0].extensions.code).toBe('LIMIT_EXCEEDED');
    expect(errors?.[0].message).toContain('interrupted after 300 ms');
  });
});

describe('sql sandbox', () => {
  const rejected: [string, string][] = [
    ["COPY runs TO '/tmp/scifed-leak.csv'", 'starts with COPY'],
    ["ATTACH '/tmp/scifed-other.duckdb' AS other", 'read-only SELECT'],
    ['INSTALL vss', 'read-only SELECT'],
    ['LOAD vss', 'read-only SELECT'],
    ["SELECT * FROM read_csv('/etc/passwd')", 'file system operations are disabled'],
    ["SELECT * FROM read_text('/etc/hostname')", 'file system operations are disabled'],
    ["SELECT * FROM glob('/etc/*')", 'file system operations are disabled'],
    ["INSERT INTO runs VALUES (5, NULL, 0)", 'starts with INSERT'],
    ["UPDATE runs SET energy = 0", 'starts with UPDATE'],
    ['DELETE FROM runs', 'starts with DELETE'],
    ['DROP TABLE runs', 'starts with DROP'],
    ['CREATE TABLE x AS SELECT 1', 'starts with CREATE'],
    ['SET enable_external_access = true', 'starts with SET'],
    ['SELECT 1; DROP TABLE runs', 'exactly one statement, found 2'],
    ['PRAGMA database_list', 'PRAGMA, SHOW, COPY and other commands are not allowed'],
    ['SHOW TABLES', 'PRAGMA, SHOW, COPY and other commands are not allowed'],
    ['SELECT * FROM duckdb_databases()', 'calls duckdb_databases(), which reads server settings or files'],
    ["SELECT current_setting('temp_directory')", 'calls current_setting()'],
    ['SELECT * FROM pragma_database_list()', 'calls pragma_database_list()'],
  ];

  for (const [query, message] of rejected) {
    it(`rejects ${query.split(' ').slice(0, 2).join(' ')}`, async () => {
      const { errors } = await sql(query);
      expect(errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(errors?.[0].message).toContain(message);
    });
  }

  it('rejects a parameter count mismatch', async () => {
    const { errors } = await sql('SELECT $1 + $2', [1]);
    expect(errors?.[0].message).toBe('query has 2 parameters ($1, $2, ...), but params has 1 values.');
  });

  it('writes no file for a rejected COPY', () => {
    expect(existsSync('/tmp/scifed-leak.csv')).toBe(false);
  });

  it('leaves the table unchanged after rejected writes', async () => {
    const { data } = await sql('SELECT count(*) AS n FROM runs');
    expect(data.sql.rows).toEqual([[2]]);
  });
});
