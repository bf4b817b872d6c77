import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { startSubgraphServer, type RunningSubgraph } from '@scifed/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createDataSubgraph, type DataSubgraph } from '../src/index.js';
import { removeDir } from './helpers.js';

let subgraph: DataSubgraph;
let running: RunningSubgraph;
let dir: string;

async function post(query: string, variables?: Record<string, unknown>) {
  const response = await fetch(running.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: any[] };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'scifed-data-http-'));
  subgraph = await createDataSubgraph({ dataDir: dir });
  running = await startSubgraphServer({ name: 'data', schema: subgraph.schema, context: subgraph.context, port: 0 });
});

afterAll(async () => {
  await running.stop();
  await subgraph.close();
  removeDir(dir);
});

describe('data subgraph over HTTP', () => {
  it('listens on 127.0.0.1', () => {
    expect(new URL(running.url).hostname).toBe('127.0.0.1');
  });

  it('creates, fills and reads a table', async () => {
    const created = await post(`mutation { createTable(input: {name: "m", primaryKey: "id", columns: [{name: "id", type: INTEGER}, {name: "f", type: VARCHAR}]}) { name } }`);
    expect(created.errors).toBeUndefined();
    const imported = await post(`mutation($c: String!) { importRows(table: "m", format: CSV, content: $c) { inserted } }`, { c: 'id,f\n1,Cu\n2,Fe\n' });
    expect(imported.data.importRows.inserted).toBe(2);
    const read = await post(`{ sql(query: "SELECT f FROM m ORDER BY id") { rows } table(name: "m") { rowCount } }`);
    expect(read.data).toEqual({ sql: { rows: [['Cu'], ['Fe']] }, table: { rowCount: 2 } });
  });

  it('returns codes for bad input over HTTP', async () => {
    const result = await post(`mutation { importRows(table: "m", format: CSV, content: "id,f\\n3\\n") { inserted } }`);
    expect(result.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].message).toBe('CSV line 2 has 1 fields, but the header has 2 (id, f).');
  });
});
