import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { startStack, type Stack } from './stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
  const built = await stack.request('mutation { buildCrystal(input: { element: "Cu", prototype: FCC, a: 3.615 }) { id } }');
  expect(built.body.errors).toBeUndefined();
  await stack.stopSubgraph('literature');
});
afterAll(async () => {
  await stack?.stop();
});

describe('a subgraph is down', () => {
  test('queries of healthy subgraphs succeed', async () => {
    const { status, body } = await stack.request<{ material: { structures: { totalCount: number } } }>(
      '{ material(formula: "Cu") { structures { totalCount } } }',
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data!.material.structures.totalCount).toBe(1);
  });

  test('mixed query returns partial data and names the subgraph', async () => {
    const { status, body } = await stack.request<{ material: { formula: string; structures: { totalCount: number }; papers: null; rows: { totalCount: number } } }>(
      '{ material(formula: "Cu") { formula structures { totalCount } papers { totalCount } rows { totalCount } } }',
    );
    expect(status).toBe(200);
    expect(body.data!.material.formula).toBe('Cu');
    expect(body.data!.material.structures.totalCount).toBe(1);
    expect(body.data!.material.rows.totalCount).toBe(0);
    expect(body.data!.material.papers).toBeNull();
    expect(body.errors?.[0].extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
    expect(body.errors?.[0].message).toMatch(/The literature subgraph is unavailable/);
  });

  test('a root field of the down subgraph errors without crashing the gateway', async () => {
    const { body } = await stack.request('{ papers(first: 1) { totalCount } }');
    expect(body.errors?.[0].extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
    const health = await fetch(stack.gateway.url.replace('/graphql', '/health'));
    expect(health.status).toBe(200);
    const ready = await fetch(stack.gateway.url.replace('/graphql', '/ready'));
    expect(ready.status).toBe(503);
  });
});
