import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { authPolicyFromEnv } from '../src/auth.js';
import { startStack, type Stack } from './stack.js';

let stack: Stack;
beforeAll(async () => {
  // A 1 MiB body limit, so the 2 MB abuse body is rejected.
  stack = await startStack({ auth: authPolicyFromEnv({ SCIFED_API_KEYS: 'key-one, key-two' }), limits: { maxBodyBytes: 1024 * 1024 } });
});
afterAll(async () => {
  await stack?.stop();
});

const AUTH = { authorization: 'Bearer key-one' };

function totalSubgraphRequests(): number {
  return Object.values(stack.requestCounts).reduce((sum, count) => sum + count!(), 0);
}

/** Nests material → structures → edges → node → material … until `levels` fields deep. */
function deepQuery(levels: number): string {
  let body = 'formula';
  let depth = 1;
  while (depth + 4 <= levels) {
    body = `material { structures { edges { node { ${body} } } } }`;
    depth += 4;
  }
  return `{ material(formula: "Cu") { structures { edges { node { ${body} } } } } }`;
}

describe('operation limits', () => {
  test('query 50 levels deep is rejected before any subgraph', async () => {
    const before = totalSubgraphRequests();
    const response = await fetch(stack.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: deepQuery(50) }),
    });
    const body = (await response.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(response.status).toBe(400);
    expect(body.errors[0].extensions.code).toBe('LIMIT_EXCEEDED');
    expect(body.errors[0].extensions.limit).toBe('maxDepth');
    expect(body.errors[0].extensions.value).toBe(stack.gateway.limits.maxDepth);
    expect(body.errors[0].extensions.measured).toBeGreaterThan(stack.gateway.limits.maxDepth);
    expect(totalSubgraphRequests()).toBe(before);
  });

  test('5000 aliases are rejected before any subgraph', async () => {
    const before = totalSubgraphRequests();
    const aliases = Array.from({ length: 5000 }, (_, i) => `f${i}: formula`).join(' ');
    const { status, body } = await stack.request(`{ material(formula: "Cu") { ${aliases} } }`);
    expect(status).toBe(400);
    const aliasError = body.errors?.find((e) => e.extensions?.limit === 'maxAliases');
    expect(aliasError?.extensions?.code).toBe('LIMIT_EXCEEDED');
    expect(aliasError?.extensions?.value).toBe(stack.gateway.limits.maxAliases);
    expect(aliasError?.extensions?.measured).toBe(5000);
    expect(totalSubgraphRequests()).toBe(before);
  });

  test('2 MB body is rejected as PAYLOAD_TOO_LARGE', async () => {
    const before = totalSubgraphRequests();
    const padding = 'x'.repeat(2 * 1024 * 1024);
    const response = await fetch(stack.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }', variables: { padding } }),
    });
    expect(response.status).toBe(413);
    const body = (await response.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(body.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(body.errors[0].extensions.value).toBe(stack.gateway.limits.maxBodyBytes);
    expect(body.errors[0].extensions.measured).toBeGreaterThan(2 * 1024 * 1024);
    expect(totalSubgraphRequests()).toBe(before);
  });

  test('cost far over the limit is rejected before any subgraph', async () => {
    const before = totalSubgraphRequests();
    const { status, body } = await stack.request(
      '{ structures(first: 100) { edges { node { material { structures(first: 100) { edges { node { id positions } } } } } } } }',
    );
    expect(status).toBe(400);
    expect(body.errors?.[0].extensions?.code).toBe('LIMIT_EXCEEDED');
    expect(body.errors?.[0].extensions?.limit).toBe('maxCost');
    expect(body.errors?.[0].extensions?.measured as number).toBeGreaterThan(stack.gateway.limits.maxCost);
    expect(body.errors?.[0].message).toMatch(/maxCost \(SCIFED_MAX_COST\) is 20000/);
    expect(totalSubgraphRequests()).toBe(before);
  });

  test('too many root fields', async () => {
    const fields = Array.from({ length: 21 }, (_, i) => `m${i}: material(formula: "Cu") { formula }`).join(' ');
    const { status, body } = await stack.request(`{ ${fields} }`);
    expect(status).toBe(400);
    expect(body.errors?.map((e) => e.extensions?.limit)).toContain('maxRootFields');
  });
});

describe('authentication', () => {
  const BUILD = 'mutation { buildCrystal(input: { element: "Al", prototype: FCC, a: 4.05 }) { id } }';

  test('mutation without a key is UNAUTHENTICATED', async () => {
    const before = totalSubgraphRequests();
    const { status, body } = await stack.request(BUILD);
    expect(status).toBe(401);
    expect(body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(totalSubgraphRequests()).toBe(before);
  });

  test('mutation with a wrong key is UNAUTHENTICATED', async () => {
    const { body } = await stack.request(BUILD, {}, { authorization: 'Bearer key-three' });
    expect(body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  test('mutation with either key succeeds', async () => {
    for (const key of ['key-one', 'key-two']) {
      const { body } = await stack.request(BUILD, {}, { authorization: `Bearer ${key}` });
      expect(body.errors, key).toBeUndefined();
    }
  });

  test('queries stay open', async () => {
    const { body } = await stack.request('{ material(formula: "Al") { formula } }');
    expect(body.errors).toBeUndefined();
  });

  test('GET mutations are blocked by CSRF prevention', async () => {
    const url = `${stack.gateway.url}?query=${encodeURIComponent('{ __typename }')}`;
    const response = await fetch(url, { headers: { accept: 'application/json' } });
    expect(response.status).toBe(400);
  });
});

describe('responses and operations', () => {
  test('every response carries a request id', async () => {
    const response = await fetch(stack.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ material(formula: "Cu") { formula } }' }),
    });
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const body = (await response.json()) as { extensions: { requestId: string } };
    expect(body.extensions.requestId).toBe(id);
  });

  test('unknown enum value lists the valid ones', async () => {
    const { body } = await stack.request('mutation { buildCrystal(input: { element: "Cu", prototype: ICO, a: 3 }) { id } }', {}, AUTH);
    expect(body.errors?.[0].message).toMatch(/Valid values: FCC, BCC, HCP, DIAMOND, SC/);
  });

  test('metrics expose gateway and subgraph series', async () => {
    await stack.request('{ material(formula: "Cu") { formula structures { totalCount } } }');
    const text = await (await fetch(stack.gateway.url.replace('/graphql', '/metrics'))).text();
    expect(text).toMatch(/scifed_gateway_requests_total\{[^}]*operation_type="query"/);
    expect(text).toMatch(/scifed_gateway_request_duration_seconds_bucket/);
    expect(text).toMatch(/scifed_gateway_errors_total\{[^}]*code="LIMIT_EXCEEDED"/);
    expect(text).toMatch(/scifed_subgraph_requests_total\{[^}]*service="materials"/);
  });

  test('IDE page and assets are served locally', async () => {
    const page = await fetch(stack.gateway.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('/ide/graphiql.js');
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
    for (const asset of ['react.js', 'react-dom.js', 'graphiql.js', 'graphiql.css']) {
      const response = await fetch(stack.gateway.url.replace('/graphql', `/ide/${asset}`));
      expect(response.status, asset).toBe(200);
    }
  });

  test('ready reports every subgraph', async () => {
    const response = await fetch(stack.gateway.url.replace('/graphql', '/ready'));
    expect(response.status).toBe(200);
  });
});

describe('token limit', () => {
  test('too many tokens is HTTP 400 LIMIT_EXCEEDED', async () => {
    const before = totalSubgraphRequests();
    // Tokens are counted while parsing, before the unknown argument is noticed.
    const values = Array.from({ length: 21_000 }, () => '1').join(' ');
    const { status, body } = await stack.request(`{ material(formula: "Cu", padding: [${values}]) { formula } }`);
    expect(status).toBe(400);
    expect(body.errors?.[0].extensions?.code).toBe('LIMIT_EXCEEDED');
    expect(body.errors?.[0].extensions?.limit).toBe('maxTokens');
    expect(totalSubgraphRequests()).toBe(before);
  });
});

describe('malformed requests', () => {
  test('invalid variable is BAD_USER_INPUT, not 500', async () => {
    const { status, body } = await stack.request(
      'mutation ($p: Prototype!) { buildCrystal(input: { element: "Cu", prototype: $p, a: 3.6 }) { id } }',
      { p: 'fcc' },
      AUTH,
    );
    expect(status).toBe(400);
    expect(body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0].message).toMatch(/"fcc"/);
  });

  test('missing required variable is BAD_USER_INPUT', async () => {
    const { status, body } = await stack.request('query ($id: ID!) { structure(id: $id) { id } }', {});
    expect(status).toBe(400);
    expect(body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('invalid JSON names the parse error and carries a request id', async () => {
    const response = await fetch(stack.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": "{ material(formula: \\"Cu\\")\n { formula } }"}',
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { message: string }[]; extensions: { requestId: string } };
    expect(body.errors[0].message).toMatch(/not valid JSON \(.+\)/);
    expect(body.extensions.requestId).toBe(response.headers.get('x-request-id'));
  });

  test('rejected body carries a request id', async () => {
    const response = await fetch(stack.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }', variables: { padding: 'x'.repeat(2 * 1024 * 1024) } }),
    });
    const body = (await response.json()) as { extensions: { requestId: string } };
    expect(body.extensions.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('limit rejections are counted as LIMIT_EXCEEDED', async () => {
    const counter = async (code: string) => {
      const text = await (await fetch(stack.gateway.url.replace('/graphql', '/metrics'))).text();
      const match = new RegExp(`scifed_gateway_errors_total\\{[^}]*code="${code}"[^}]*\\} (\\d+)`).exec(text);
      return match ? Number(match[1]) : 0;
    };
    const limitBefore = await counter('LIMIT_EXCEEDED');
    const validationBefore = await counter('GRAPHQL_VALIDATION_FAILED');
    await stack.request(`{ material(formula: "Cu") { ${Array.from({ length: 40 }, (_, i) => `f${i}: formula`).join(' ')} } }`);
    expect(await counter('LIMIT_EXCEEDED')).toBe(limitBefore + 1);
    expect(await counter('GRAPHQL_VALIDATION_FAILED')).toBe(validationBefore);
  });
});
