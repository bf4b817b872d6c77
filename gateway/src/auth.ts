import { createHash, timingSafeEqual } from 'node:crypto';

import { GraphQLError } from 'graphql';

/**
 * API keys from SCIFED_API_KEYS (comma-separated). When set, mutations need
 * `Authorization: Bearer KEY`; with SCIFED_REQUIRE_KEY_FOR_READS=1 queries do too.
 * Keys are compared as SHA-256 digests with timingSafeEqual, so the time taken
 * does not depend on how much of a key matched, and keys are never logged.
 */
export interface AuthPolicy {
  keyDigests: Buffer[];
  requireForReads: boolean;
}

const digest = (key: string) => createHash('sha256').update(key).digest();

export function authPolicyFromEnv(env = process.env): AuthPolicy {
  const keys = (env.SCIFED_API_KEYS ?? '').split(',').map((key) => key.trim()).filter(Boolean);
  return { keyDigests: keys.map(digest), requireForReads: ['1', 'true', 'on'].includes(env.SCIFED_REQUIRE_KEY_FOR_READS ?? '') };
}

function keyMatches(policy: AuthPolicy, header: string | undefined): boolean {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (!match) return false;
  const presented = digest(match[1]);
  let matched = false;
  for (const known of policy.keyDigests) matched = timingSafeEqual(presented, known) || matched;
  return matched;
}

/** Throws UNAUTHENTICATED (HTTP 401) when the policy requires a key that the request lacks. */
export function authorize(policy: AuthPolicy, operationType: string, authorization: string | undefined): void {
  if (policy.keyDigests.length === 0) return;
  const needsKey = operationType === 'mutation' || policy.requireForReads;
  if (!needsKey || keyMatches(policy, authorization)) return;
  throw new GraphQLError(
    `This ${operationType} needs an API key: send the header "Authorization: Bearer <key>" with a key from SCIFED_API_KEYS.`,
    { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } },
  );
}
