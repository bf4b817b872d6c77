import { GraphQLError, isEnumType, type GraphQLSchema } from 'graphql';

/**
 * The error-code registry. Every error a SciFed service returns carries one of
 * these in `extensions.code`; the message names the value and the fix.
 */
export const ERROR_CODES = {
  BAD_USER_INPUT: 'An argument or input value is invalid; the message names the value and what would be valid.',
  NOT_FOUND: 'The requested object (by id or name) does not exist.',
  PAYLOAD_TOO_LARGE: 'The request body or an uploaded content string exceeds its configured size limit.',
  LIMIT_EXCEEDED: 'The operation exceeds a configured limit (depth, cost, atoms, rows, dimensions); the message names the limit, its value and the measured value.',
  UNAUTHENTICATED: 'The operation needs an API key (Authorization: Bearer KEY) and none or a wrong one was sent.',
  SUBGRAPH_UNAVAILABLE: 'A subgraph did not answer; the message names it. Fields from other subgraphs are still returned.',
  INTERNAL_SERVER_ERROR: 'An unexpected failure inside the service; details are logged with the request id, not returned.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** A GraphQL error with a registered code and optional extra extensions. */
export function serviceError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

export function badInput(message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return serviceError('BAD_USER_INPUT', message, extensions);
}

export function notFound(kind: string, key: string, hint?: string): GraphQLError {
  return serviceError('NOT_FOUND', `${kind} ${JSON.stringify(key)} was not found.${hint ? ` ${hint}` : ''}`);
}

export function limitExceeded(limit: string, value: number, measured: number, hint?: string): GraphQLError {
  return serviceError(
    'LIMIT_EXCEEDED',
    `${limit} is ${value}, and this request needs ${measured}.${hint ? ` ${hint}` : ''}`,
    { limit, value, measured },
  );
}

/** Domain code throws this (it knows no GraphQL); resolvers map it to BAD_USER_INPUT. */
export class InputError extends Error {
  readonly code: ErrorCode;

  constructor(message: string, code: ErrorCode = 'BAD_USER_INPUT') {
    super(message);
    this.name = 'InputError';
    this.code = code;
  }
}

const UNKNOWN_ENUM_VALUE = /Value "([^"]*)" does not exist in "(\w+)" enum/;

/**
 * graphql-js rejects an unknown enum value without listing the valid ones;
 * this appends them, so the message names the value and what would be valid.
 */
export function withEnumHint(message: string, schema: GraphQLSchema | undefined): string {
  const match = UNKNOWN_ENUM_VALUE.exec(message);
  const type = match && schema?.getType(match[2]);
  if (!type || !isEnumType(type)) return message;
  return `${message} Valid values: ${type.getValues().map((v) => v.name).join(', ')}.`;
}
