import { JSONScalar } from '@scifed/schema';
import { Arg, Ctx, Query, Resolver } from 'type-graphql';

import type { DataContext } from '../context.js';
import { SqlResult } from '../schema/types.js';
import { runSql } from '../sql/service.js';

@Resolver()
export class SqlResolver {
  @Query(() => SqlResult, {
    description:
      'Runs one read-only SELECT or WITH statement over the tables, with positional parameters $1, $2, ... It cannot write, attach databases, load extensions or read files.',
  })
  sql(
    @Arg('query', () => String) query: string,
    @Arg('params', () => [JSONScalar], { nullable: true }) params: unknown[] | null,
    @Ctx() ctx: DataContext,
  ) {
    return runSql(ctx.store, ctx.limits, query, params ?? []);
  }
}
