/**
 * GraphQL over POST /graphql on the page's own origin. The JSON content type
 * passes the gateway's CSRF prevention. The `apollo-require-preflight` header
 * passes it too, so the page keeps working if a proxy rewrites the type.
 */

export interface GraphQLErrorEntry {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
}

/** A response that carried GraphQL errors, or no JSON at all. */
export class GraphQLRequestError extends Error {
  constructor(
    message: string,
    readonly errors: GraphQLErrorEntry[],
    readonly status: number,
  ) {
    super(message);
    this.name = 'GraphQLRequestError';
  }

  /** extensions.code of every error, e.g. ["BAD_USER_INPUT"]. */
  get codes(): string[] {
    return this.errors.map((error) => error.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
  }
}

/** Sends one operation and returns `data`; throws GraphQLRequestError on any error. */
export async function graphql<T>(query: string, variables: Record<string, unknown> = {}, signal?: AbortSignal): Promise<T> {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'apollo-require-preflight': 'true' },
    body: JSON.stringify({ query, variables }),
    signal,
  });

  let body: { data?: T; errors?: GraphQLErrorEntry[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new GraphQLRequestError(`The gateway returned HTTP ${response.status} without a JSON body.`, [], response.status);
  }
  if (body.errors?.length) {
    const message = body.errors.map((error) => (error.extensions?.code ? `${error.message} [${error.extensions.code}]` : error.message)).join('\n');
    throw new GraphQLRequestError(message, body.errors, response.status);
  }
  if (body.data === undefined || body.data === null) {
    throw new GraphQLRequestError(`The gateway returned HTTP ${response.status} with neither data nor errors.`, [], response.status);
  }
  return body.data;
}
