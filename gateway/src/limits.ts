import { createRequire } from 'node:module';

import { ApolloArmor } from '@escape.tech/graphql-armor';
import { limitExceeded } from '@scifed/schema';
import {
  GraphQLError,
  Kind,
  Lexer,
  Source,
  TokenKind,
  type ASTVisitor,
  type DocumentNode,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type * as QueryComplexity from 'graphql-query-complexity';
import type { ComplexityEstimator } from 'graphql-query-complexity';

// The package's ES module build imports 'graphql/index.mjs', a second copy of
// graphql beside the CommonJS one Apollo loads ("Cannot use GraphQLSchema from
// another module or realm"); its CommonJS build shares Apollo's copy.
const { getComplexity, simpleEstimator } = createRequire(import.meta.url)('graphql-query-complexity') as typeof QueryComplexity;

/**
 * Operation limits, checked by the gateway before any subgraph is called.
 * Each is set by the environment variable in its comment.
 */
export interface OperationLimits {
  /** SCIFED_MAX_DEPTH: deepest field nesting. */
  maxDepth: number;
  /** SCIFED_MAX_ALIASES: aliases in one operation. */
  maxAliases: number;
  /** SCIFED_MAX_ROOT_FIELDS: fields selected directly on Query or Mutation. */
  maxRootFields: number;
  /** SCIFED_MAX_FIELDS: fields in the operation after expanding fragments. */
  maxFields: number;
  /** SCIFED_MAX_TOKENS: lexical tokens in the document. */
  maxTokens: number;
  /** SCIFED_MAX_DIRECTIVES: directives in one operation. */
  maxDirectives: number;
  /** SCIFED_MAX_COST: estimated cost (see costEstimators). */
  maxCost: number;
  /** SCIFED_MAX_BODY: request body size, bytes. */
  maxBodyBytes: number;
  /** SCIFED_REQUEST_TIMEOUT_MS: time for one request, milliseconds. */
  requestTimeoutMs: number;
}

export const DEFAULT_LIMITS: OperationLimits = {
  maxDepth: 15,
  maxAliases: 30,
  maxRootFields: 20,
  maxFields: 2_000,
  maxTokens: 20_000,
  maxDirectives: 50,
  maxCost: 20_000,
  // Fits LAMMPS potential files of a few MB; larger imports go in several requests.
  maxBodyBytes: 8 * 1024 * 1024,
  requestTimeoutMs: 120_000,
};

const ENV_NAMES: Record<keyof OperationLimits, string> = {
  maxDepth: 'SCIFED_MAX_DEPTH',
  maxAliases: 'SCIFED_MAX_ALIASES',
  maxRootFields: 'SCIFED_MAX_ROOT_FIELDS',
  maxFields: 'SCIFED_MAX_FIELDS',
  maxTokens: 'SCIFED_MAX_TOKENS',
  maxDirectives: 'SCIFED_MAX_DIRECTIVES',
  maxCost: 'SCIFED_MAX_COST',
  maxBodyBytes: 'SCIFED_MAX_BODY',
  requestTimeoutMs: 'SCIFED_REQUEST_TIMEOUT_MS',
};

/** Reads every limit from the environment; an invalid value fails start-up with its name. */
export function limitsFromEnv(env = process.env, overrides: Partial<OperationLimits> = {}): OperationLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(ENV_NAMES) as (keyof OperationLimits)[]) {
    const raw = env[ENV_NAMES[key]];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value <= 0) {
      throw new Error(`${ENV_NAMES[key]} must be a positive integer, got ${JSON.stringify(raw)}.`);
    }
    limits[key] = value;
  }
  return { ...limits, ...overrides };
}

export { ENV_NAMES as LIMIT_ENV_NAMES };

/** Creates an HTTP 400 LIMIT_EXCEEDED error naming the limit, its value and the measured value. */
export function limitError(limit: keyof OperationLimits, value: number, measured: number): GraphQLError {
  const error = limitExceeded(
    `${limit} (${ENV_NAMES[limit]})`,
    value,
    measured,
    'Split the operation or ask the operator to raise the limit.',
  );
  return new GraphQLError(error.message, {
    extensions: { code: 'LIMIT_EXCEEDED', limit, value, measured, http: { status: 400 } },
  });
}

/** GraphQL Armor for depth, aliases, tokens and directives, rejecting with LIMIT_EXCEEDED. */
export function armorProtection(limits: OperationLimits) {
  // Depth, aliases and directives report a LIMIT_EXCEEDED error into the
  // validation context, so all violated limits come back together.
  const report = (context: ValidationContext | null, error: GraphQLError) => {
    const limit = armorRejectionToLimit(error.message);
    if (context && limit) context.reportError(limit);
  };
  const reporting = { exposeLimits: true, propagateOnRejection: false, onReject: [report] };
  return new ApolloArmor({
    maxDepth: { n: limits.maxDepth, flattenFragments: true, ...reporting },
    maxAliases: { n: limits.maxAliases, ...reporting },
    maxDirectives: { n: limits.maxDirectives, ...reporting },
    // Tokens are counted by checkTokens in the gateway's token middleware instead: Armor's
    // Apollo hook throws a plain error there, which Apollo turns into HTTP 500.
    maxTokens: { enabled: false },
    // Cost is estimated with per-field functions in checkCost instead.
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: false },
  }).protect();
}

const ARMOR_MESSAGES: [RegExp, keyof OperationLimits][] = [
  [/Query depth limit of (\d+) exceeded, found (\d+)/, 'maxDepth'],
  [/Aliases limit of (\d+) exceeded, found (\d+)/, 'maxAliases'],
  [/Directives limit of (\d+) exceeded, found (\d+)/, 'maxDirectives'],
  [/Token limit of (\d+) exceeded/, 'maxTokens'],
];

/** Maps a GraphQL Armor rejection message to a LIMIT_EXCEEDED error, or returns undefined. */
export function armorRejectionToLimit(message: string): GraphQLError | undefined {
  for (const [pattern, limit] of ARMOR_MESSAGES) {
    const match = pattern.exec(message);
    if (!match) continue;
    const value = Number(match[1]);
    // Armor stops counting tokens at the first one past the limit.
    const measured = match[2] ? Number(match[2]) : value + 1;
    return limitError(limit, value, measured);
  }
  return undefined;
}

/** Validation rule: fields on the root type and fields in total (fragments expanded). */
export function fieldCountRule(limits: OperationLimits): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const fragments = new Map(context.getDocument().definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d]] : [])));
      const countFields = (set: SelectionSetNode, seen: Set<string>): number => {
        let total = 0;
        for (const selection of set.selections) {
          if (selection.kind === Kind.FIELD) {
            total += 1 + (selection.selectionSet ? countFields(selection.selectionSet, seen) : 0);
          } else if (selection.kind === Kind.INLINE_FRAGMENT) {
            total += countFields(selection.selectionSet, seen);
          } else if (!seen.has(selection.name.value)) {
            const fragment = fragments.get(selection.name.value);
            if (fragment) total += countFields(fragment.selectionSet, new Set([...seen, selection.name.value]));
          }
        }
        return total;
      };
      const rootFields = operation.selectionSet.selections.filter((s) => s.kind === Kind.FIELD).length;
      if (rootFields > limits.maxRootFields) context.reportError(limitError('maxRootFields', limits.maxRootFields, rootFields));
      const fields = countFields(operation.selectionSet, new Set());
      if (fields > limits.maxFields) context.reportError(limitError('maxFields', limits.maxFields, fields));
    },
  });
}

/** Sizes the cost model needs but the arguments do not carry (atoms of a stored structure). */
export interface CostInputs {
  atomsByStructure: Map<string, number>;
}

/** Atoms assumed for a structure whose size could not be looked up: the per-structure atom limit. */
export const UNKNOWN_STRUCTURE_ATOMS = 500_000;

function atomsOf(inputs: CostInputs, id: unknown): number {
  return typeof id === 'string' ? (inputs.atomsByStructure.get(id) ?? UNKNOWN_STRUCTURE_ATOMS) : UNKNOWN_STRUCTURE_ATOMS;
}

function numberArg(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/**
 * The cost model, in units where one plain field costs 1:
 * - a field with `first` multiplies the cost of its selection by `first` (default 20);
 * - evaluate: atoms / 1,000; relax: atoms × maxSteps / 10,000; equationOfState: atoms × strains / 1,000;
 * - startMolecularDynamics: atoms × steps / 100,000;
 * - vectorSearch and hybridSearch: 10 + k × (its selection); recall: memories × tokensPerHead;
 * - searchPapers and ask: 20 + first × (its selection).
 * Atoms come from the stored structure (looked up once per id and cached,
 * because structures never change after they are stored).
 */
export function costEstimators(inputs: CostInputs): ComplexityEstimator[] {
  const kernel: ComplexityEstimator = ({ field, args, childComplexity }) => {
    const input = (args.input ?? {}) as Record<string, unknown>;
    switch (field.name) {
      case 'evaluate':
        return 1 + childComplexity + Math.ceil(atomsOf(inputs, args.structureId) / 1_000);
      case 'relax':
        return 1 + childComplexity + Math.ceil((atomsOf(inputs, input.structureId) * numberArg(input.maxSteps, 1_000)) / 10_000);
      case 'equationOfState': {
        const strains = Array.isArray(input.strains) ? input.strains.length : 11;
        return 1 + childComplexity + Math.ceil((atomsOf(inputs, input.structureId) * strains) / 1_000);
      }
      case 'startMolecularDynamics':
        return 1 + childComplexity + Math.ceil((atomsOf(inputs, input.structureId) * numberArg(input.steps, 1_000)) / 100_000);
      case 'vectorSearch':
      case 'hybridSearch':
        return 10 + numberArg(input.k, 10) * Math.max(1, childComplexity);
      case 'recall':
        return 1 + childComplexity + numberArg(input.memories, 5) * numberArg(input.tokensPerHead, 8);
      case 'searchPapers':
        return 20 + numberArg(args.first, 10) * Math.max(1, childComplexity);
      case 'ask':
        return 20 + childComplexity;
      default:
        break;
    }
    if ('first' in args || field.args.some((a) => a.name === 'first')) {
      return 1 + numberArg(args.first, 20) * childComplexity;
    }
    return undefined;
  };
  return [kernel, simpleEstimator({ defaultComplexity: 1 })];
}

/** Structure ids named by atom-weighted fields (evaluate, relax, equationOfState, MD). */
export function structureIdsForCost(schema: GraphQLSchema, query: DocumentNode, variables: Record<string, unknown>, operationName?: string): string[] {
  const ids = new Set<string>();
  const collect: ComplexityEstimator = ({ field, args }) => {
    const id = field.name === 'evaluate' ? args.structureId : (args.input as Record<string, unknown> | undefined)?.structureId;
    if (['evaluate', 'relax', 'equationOfState', 'startMolecularDynamics'].includes(field.name) && typeof id === 'string') ids.add(id);
    return undefined;
  };
  getComplexity({ schema, query, variables, operationName, estimators: [collect, simpleEstimator({ defaultComplexity: 1 })] });
  return [...ids];
}

/** Estimated cost of an operation; throws a LIMIT_EXCEEDED error above maxCost. */
export function checkCost(
  schema: GraphQLSchema,
  query: DocumentNode,
  variables: Record<string, unknown>,
  operationName: string | undefined,
  inputs: CostInputs,
  limits: OperationLimits,
): number {
  const cost = getComplexity({ schema, query, variables, operationName, estimators: costEstimators(inputs) });
  if (cost > limits.maxCost) throw limitError('maxCost', limits.maxCost, cost);
  return cost;
}

/**
 * Counts lexical tokens up to maxTokens + 1 and throws LIMIT_EXCEEDED past the
 * limit. Runs before parsing, so a huge document is never turned into an AST.
 * A document that does not lex is left for the parser to report.
 */
export function checkTokens(source: string, limits: OperationLimits): void {
  const lexer = new Lexer(new Source(source));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) {
      if (++count > limits.maxTokens) throw limitError('maxTokens', limits.maxTokens, count);
    }
  } catch (error) {
    if (error instanceof GraphQLError && error.extensions?.limit) throw error;
  }
}
