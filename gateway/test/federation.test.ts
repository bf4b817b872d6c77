import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { startStack, type Stack } from './stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('gateway', () => {
  test('health lists every subgraph', async () => {
    const response = await fetch(stack.gateway.url.replace('/graphql', '/health'));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { subgraphs: Record<string, { ok: boolean }> };
    for (const name of Object.keys(stack.subgraphUrls)) expect(body.subgraphs[name].ok, name).toBe(true);
  });

  test('a structure built through the gateway appears under its material', async () => {
    const built = await stack.request<{ buildCrystal: { id: string } }>(
      'mutation { buildCrystal(input: { element: "Cu", prototype: FCC, a: 3.615, repeat: [2, 2, 2] }) { id } }',
    );
    expect(built.body.errors).toBeUndefined();
    const { status, body } = await stack.request<{ material: { formula: string; structures: { totalCount: number; edges: { node: { id: string; natoms: number; material: { formula: string } } }[] } } }>(
      '{ material(formula: "Cu4") { formula structures { totalCount edges { node { id natoms material { formula } } } } } }',
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data!.material.formula).toBe('Cu');
    expect(body.data!.material.structures.totalCount).toBe(1);
    expect(body.data!.material.structures.edges[0].node).toEqual({ id: built.body.data!.buildCrystal.id, natoms: 32, material: { formula: 'Cu' } });
  });

  test('bad input keeps its code through the gateway', async () => {
    const { body } = await stack.request('mutation { buildCrystal(input: { element: "Cu", prototype: FCC, a: 0 }) { id } }');
    expect(body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0].message).toMatch(/got 0/);
  });
});
