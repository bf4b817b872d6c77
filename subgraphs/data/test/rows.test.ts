import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openHarness, removeDir, type Harness } from './helpers.js';

let h: Harness;


async function rows(keys: string[]) {
  const table = await h.subgraph.tables.requireTable('samples');
  return h.subgraph.store.rowsByKeys(table, keys);
}

async function rowCount(): Promise<number> {
  return (await h.subgraph.tables.requireTable('samples')).rowCount;
}

beforeAll(async () => {
  h = await openHarness();
  await h.subgraph.tables.createTable({
    name: 'samples',
    primaryKey: 'id',
    columns: [
      { name: 'id', type: 'BIGINT' },
      { name: 'ok', type: 'BOOLEAN' },
      { name: 'n', type: 'INTEGER' },
      { name: 'x', type: 'DOUBLE' },
      { name: 'label', type: 'VARCHAR' },
      { name: 'measured', type: 'TIMESTAMP' },
      { name: 'meta', type: 'JSON' },
      { name: 'embedding', type: 'VECTOR', dimension: 3 },
    ],
  });
});

afterAll(async () => {
  await h.close();
  removeDir(h.dir);
});

describe('column types', () => {
  it('round-trips every type through JSON Lines', async () => {
    const content = [
      JSON.stringify({ id: '9007199254740993', ok: true, n: -7, x: 0.25, label: 'a', measured: '2024-05-01T12:00:00.123456+02:00', meta: { tags: ['x', null] }, embedding: [1, 0, 0.5] }),
      '',
      JSON.stringify({ id: 2, embedding: null }),
    ].join('\n');
    const result = await h.subgraph.tables.importRows('samples', 'JSONL', content);
    expect(result.inserted).toBe(2);

    const [big, small] = await rows(['9007199254740993', '2']);
    expect(big).toEqual({
      id: '9007199254740993',
      ok: true,
      n: -7,
      x: 0.25,
      label: 'a',
      measured: '2024-05-01T10:00:00.123456Z',
      meta: { tags: ['x', null] },
      embedding: [1, 0, 0.5],
    });
    expect(small).toEqual({ id: 2, ok: null, n: null, x: null, label: null, measured: null, meta: null, embedding: null });
  });

  it('rejects a vector of the wrong dimension, naming line and column', async () => {
    const content = `${JSON.stringify({ id: 10, embedding: [1, 2, 3] })}\n${JSON.stringify({ id: 11, embedding: [1, 2] })}`;
    await expect(h.subgraph.tables.importRows('samples', 'JSONL', content)).rejects.toThrow(
      'line 2, column "embedding": [1,2] is not an array of 3 numbers (it has 2 components).',
    );
    expect(await rowCount()).toBe(2);
  });

  it('rejects malformed JSON Lines, naming the line', async () => {
    await expect(h.subgraph.tables.importRows('samples', 'JSONL', '{"id": 20}\n{"id": 21')).rejects.toThrow(/^JSON Lines line 2 is not valid JSON/);
    expect(await rowCount()).toBe(2);
  });

  it('rejects an INTEGER out of range and a bad timestamp', async () => {
    await expect(h.subgraph.tables.insertRows('samples', [{ id: 30, n: 2 ** 31 }])).rejects.toThrow('row 1, column "n": 2147483648 is not an integer');
    await expect(h.subgraph.tables.insertRows('samples', [{ id: 31, measured: '2024-02-30' }])).rejects.toThrow(
      'row 1, column "measured": "2024-02-30" is not an ISO 8601 timestamp',
    );
  });

  it('reads CSV vectors as JSON arrays', async () => {
    await h.subgraph.tables.importRows('samples', 'CSV', 'id,embedding,measured\n40,"[0.5, 0.5, 0]",2024-01-01\n');
    const [row] = await rows(['40']);
    expect(row?.embedding).toEqual([0.5, 0.5, 0]);
    expect(row?.measured).toBe('2024-01-01T00:00:00.000Z');
  });
});

describe('PARQUET import', () => {
  it('imports a base64 Parquet file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'scifed-parquet-test-'));
    const file = path.join(dir, 'rows.parquet');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run(
      `COPY (SELECT 100 + i AS id, i % 2 = 0 AS ok, 'p' || i AS label, [i, 0, 1]::FLOAT[3] AS embedding FROM range(3) t(i)) TO '${file}' (FORMAT parquet)`,
    );
    connection.closeSync();
    instance.closeSync();

    const content = readFileSync(file).toString('base64');
    const result = await h.subgraph.tables.importRows('samples', 'PARQUET', content);
    expect(result.inserted).toBe(3);
    const [row] = await rows(['102']);
    expect(row).toMatchObject({ id: 102, ok: true, label: 'p2', embedding: [2, 0, 1] });
    removeDir(dir);
  });

  it('rejects content that is not Parquet', async () => {
    await expect(h.subgraph.tables.importRows('samples', 'PARQUET', Buffer.from('id\n1\n').toString('base64'))).rejects.toThrow(
      'PARQUET content is not a base64-encoded Parquet file',
    );
  });
});

describe('insert, update and delete', () => {
  it('rejects a batch with a repeated key and stores nothing', async () => {
    const before = await rowCount();
    await expect(h.subgraph.tables.insertRows('samples', [{ id: 50 }, { id: 51 }, { id: 50 }])).rejects.toThrow(
      'row 3: key "50" repeats the key of row 1; keys must be unique.',
    );
    expect(await rowCount()).toBe(before);
  });

  it('replaces whole rows with onConflict REPLACE', async () => {
    const result = await h.subgraph.tables.insertRows('samples', [{ id: 2, label: 'two' }, { id: 60, label: 'sixty' }], 'REPLACE');
    expect(result.inserted).toBe(1);
    expect(result.replaced).toBe(1);
    const [two] = await rows(['2']);
    expect(two?.label).toBe('two');
  });

  it('updates only the named columns', async () => {
    await h.subgraph.tables.updateRows('samples', [{ id: 60, x: 1.5, embedding: [0, 1, 0] }]);
    const [row] = await rows(['60']);
    expect(row).toMatchObject({ label: 'sixty', x: 1.5, embedding: [0, 1, 0] });
  });

  it('rejects an update of an unknown key and changes nothing', async () => {
    await expect(h.subgraph.tables.updateRows('samples', [{ id: 60, x: 9 }, { id: 999, x: 1 }])).rejects.toThrow(
      'row 2: key "999" is not in table "samples"',
    );
    const [row] = await rows(['60']);
    expect(row?.x).toBe(1.5);
  });

  it('deletes by key and skips unknown keys', async () => {
    const before = await rowCount();
    const result = await h.subgraph.tables.deleteRows('samples', ['60', '404']);
    expect(result.deleted).toBe(1);
    expect(result.table.rowCount).toBe(before - 1);
    expect(await rows(['60'])).toEqual([null]);
  });

  it('rejects an oversized import with PAYLOAD_TOO_LARGE', async () => {
    const limit = h.subgraph.tables.limits.maxImportBytes;
    const error = await h.subgraph.tables.importRows('samples', 'CSV', 'x'.repeat(limit + 1)).catch((e) => e);
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('row mutations over GraphQL', () => {
  it('inserts, updates and deletes through the schema', async () => {
    const inserted = await h.exec(`mutation($rows: [JSON!]!) { insertRows(table: "samples", rows: $rows) { inserted table { rowCount } } }`, {
      rows: [{ id: 700, label: 'g' }, { id: 701, label: 'h' }],
    });
    expect(inserted.errors).toBeUndefined();
    expect(inserted.data.insertRows.inserted).toBe(2);

    const updated = await h.exec(`mutation($rows: [JSON!]!) { updateRows(table: "samples", rows: $rows) { replaced } }`, {
      rows: [{ id: 700, label: 'G' }],
    });
    expect(updated.data.updateRows.replaced).toBe(1);
    expect((await rows(['700']))[0]?.label).toBe('G');

    const deleted = await h.exec(`mutation { deleteRows(table: "samples", keys: ["700", "701", "702"]) { deleted } }`);
    expect(deleted.data.deleteRows.deleted).toBe(2);
  });

  it('drops a table and reports unknown names', async () => {
    await h.subgraph.tables.createTable({ name: 'scratch', primaryKey: 'id', columns: [{ name: 'id', type: 'INTEGER' }] });
    const dropped = await h.exec(`mutation { a: dropTable(name: "scratch") b: dropTable(name: "scratch") }`);
    expect(dropped.data).toEqual({ a: true, b: false });
    const listed = await h.exec(`{ tables { totalCount edges { node { name } } } }`);
    expect(listed.data.tables.edges.map((e: any) => e.node.name)).toEqual(['samples']);
  });
});

describe('rows by key', () => {
  it('finds keys with quotes and backslashes', async () => {
    await h.subgraph.tables.createTable({ name: 'named', primaryKey: 'name', columns: [{ name: 'name', type: 'VARCHAR' }, { name: 'n', type: 'INTEGER' }] });
    const names = ["O'Brien", "it''s", 'back\\slash', 'tab\there', '日本', "'); DROP TABLE named; --", ''];
    await h.subgraph.tables.insertRows('named', names.map((name, n) => ({ name, n })));
    const table = await h.subgraph.tables.requireTable('named');
    const wanted = [...names, 'absent'];
    // 300 keys are past the constant-list limit, so the second call reads through an unnested list.
    const many = [...wanted, ...Array.from({ length: 300 }, (_, i) => `missing-${i}`)];
    for (const keys of [wanted, many]) {
      const found = await h.subgraph.store.rowsByKeys(table, keys);
      expect(found.slice(0, names.length).map((row) => row?.n)).toEqual(names.map((_, n) => n));
      expect(found.slice(names.length).every((row) => row === null)).toBe(true);
    }
    expect((await h.subgraph.tables.requireTable('named')).rowCount).toBe(names.length);
  });

  it('treats non-numeric integer keys as absent', async () => {
    expect(await rows(['not-a-number', "1' OR '1'='1"])).toEqual([null, null]);
  });
});
