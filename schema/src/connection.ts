import { Directive, Field, Int, ObjectType, type ClassType } from 'type-graphql';

import { badInput } from './errors.js';

/** Relay-style page information shared by every connection. It is @shareable because every subgraph resolves it. */
@ObjectType({ description: 'Position of a page within a cursor connection.' })
@Directive('@shareable')
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean)
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  totalCount: number;
}

/**
 * Declares `<Name>Edge` and `<Name>Connection` object types for a node type.
 * The returned class is used as a resolver's return type.
 */
export function ConnectionType<T extends object>(name: string, node: ClassType<T>) {
  @ObjectType(`${name}Edge`)
  class EdgeClass {
    @Field(() => String, { description: 'Opaque cursor; pass it as `after` to read the following page.' })
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionClass {
    @Field(() => [EdgeClass])
    edges!: Edge<T>[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'Number of items across all pages.' })
    totalCount!: number;
  }

  return ConnectionClass;
}

/** Largest `first` any list field accepts. */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export interface PageRequest {
  offset: number;
  limit: number;
}

/** Cursors are opaque to clients; inside they are the base64 of "offset:N". */
export function encodeCursor(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^offset:(\d+)$/.exec(text);
  if (!match) throw badInput(`Cursor ${JSON.stringify(cursor)} is invalid; pass the endCursor of an earlier page.`);
  return Number(match[1]);
}

/** Validates `first`/`after` and returns the row window to read. */
export function pageRequest(first: number | null | undefined, after: string | null | undefined): PageRequest {
  const limit = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE_SIZE) {
    throw badInput(`first must be an integer from 0 to ${MAX_PAGE_SIZE}, got ${limit}.`);
  }
  const offset = after ? decodeCursor(after) + 1 : 0;
  return { offset, limit };
}

/** Builds a connection from one page of nodes read at `page.offset`. */
export function connectionFrom<T>(nodes: T[], page: PageRequest, totalCount: number): Connection<T> {
  const edges = nodes.map((node, i) => ({ cursor: encodeCursor(page.offset + i), node }));
  return {
    edges,
    totalCount,
    pageInfo: {
      hasNextPage: page.offset + nodes.length < totalCount,
      hasPreviousPage: page.offset > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
