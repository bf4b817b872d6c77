import { logger } from '@scifed/schema';

/** One GraphQL request to the gateway; throws on any error in the response. */
export async function gatewayRequest<T = unknown>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'apollo-require-preflight': 'true' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data as T;
}

/**
 * Loads the demo data set the README's first query uses: a copper crystal.
 * Runs through the public API, so it exercises the same paths as a client.
 */
export async function seedDemo(url: string): Promise<void> {
  await gatewayRequest(
    url,
    `mutation { buildCrystal(input: { element: "Cu", prototype: FCC, a: 3.615, repeat: [2, 2, 2], name: "Cu fcc 2x2x2" }) { id } }`,
  );
  logger.info('demo data loaded');
}
