import { InputError } from '@scifed/schema';

import type { MemoryLimits } from '../limits.js';

/** Storage precision of kept keys and values. INT8 stores one float32 scale per token and head. */
export type Precision = 'F32' | 'F16' | 'INT8';
export const PRECISIONS: readonly Precision[] = ['F32', 'F16', 'INT8'];

/** Where a bank's keys and values come from: the built-in text encoder, or the caller's model through writeMemoryKV. */
export type EncoderKind = 'BUILTIN_TEXT' | 'EXTERNAL';
export const ENCODER_KINDS: readonly EncoderKind[] = ['BUILTIN_TEXT', 'EXTERNAL'];

/** Most tokens in one memory: Memory³ encodes reference chunks of at most 128 tokens. */
export const MAX_CHUNK_TOKENS = 128;

export interface BankConfig {
  name: string;
  heads: number;
  headDim: number;
  /** Tokens kept per head and memory after sparsification. */
  tokensPerHead: number;
  precision: Precision;
  encoder: EncoderKind;
  /** Half-life of reinforcement in seconds; null keeps reinforcement forever. */
  decayHalfLife: number | null;
}

/**
 * Defaults for every field but `name`. 8 kept tokens per head follows
 * Memory³; 8 heads of 64 dimensions keep the built-in encoder's vectors small.
 */
export const BANK_DEFAULTS: Omit<BankConfig, 'name'> = {
  heads: 8,
  headDim: 64,
  tokensPerHead: 8,
  precision: 'F16',
  encoder: 'BUILTIN_TEXT',
  decayHalfLife: null,
};

const BANK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export interface BankRequest {
  name: string;
  heads?: number | null;
  headDim?: number | null;
  tokensPerHead?: number | null;
  precision?: Precision | null;
  encoder?: EncoderKind | null;
  decayHalfLife?: number | null;
}

function checkRange(argument: string, value: number, min: number, max: number, limitName?: string): void {
  if (!Number.isInteger(value) || value < min) {
    throw new InputError(`${argument} must be an integer of at least ${min}, got ${value}.`);
  }
  if (value > max) {
    const source = limitName ? ` (${limitName})` : '';
    throw new InputError(`${argument} is ${value}, above the limit of ${max}${source}; use a smaller ${argument}.`, limitName ? 'LIMIT_EXCEEDED' : 'BAD_USER_INPUT');
  }
}

/** Fills defaults and validates a bank request; throws InputError naming the field. */
export function resolveBankConfig(request: BankRequest, limits: MemoryLimits): BankConfig {
  if (!BANK_NAME.test(request.name)) {
    throw new InputError(
      `name ${JSON.stringify(request.name)} is not a valid bank name; use 1 to 64 letters, digits, "_", "." or "-", starting with a letter or digit.`,
    );
  }
  const config: BankConfig = {
    name: request.name,
    heads: request.heads ?? BANK_DEFAULTS.heads,
    headDim: request.headDim ?? BANK_DEFAULTS.headDim,
    tokensPerHead: request.tokensPerHead ?? BANK_DEFAULTS.tokensPerHead,
    precision: request.precision ?? BANK_DEFAULTS.precision,
    encoder: request.encoder ?? BANK_DEFAULTS.encoder,
    decayHalfLife: request.decayHalfLife ?? BANK_DEFAULTS.decayHalfLife,
  };
  checkRange('heads', config.heads, 1, limits.maxHeads, 'SCIFED_MEMORY_MAX_HEADS');
  checkRange('headDim', config.headDim, 1, limits.maxHeadDim, 'SCIFED_MEMORY_MAX_HEAD_DIM');
  checkRange('tokensPerHead', config.tokensPerHead, 1, MAX_CHUNK_TOKENS);
  if (!PRECISIONS.includes(config.precision)) {
    throw new InputError(`precision ${JSON.stringify(config.precision)} is unknown; use one of ${PRECISIONS.join(', ')}.`);
  }
  if (!ENCODER_KINDS.includes(config.encoder)) {
    throw new InputError(`encoder ${JSON.stringify(config.encoder)} is unknown; use one of ${ENCODER_KINDS.join(', ')}.`);
  }
  if (config.decayHalfLife !== null && !(Number.isFinite(config.decayHalfLife) && config.decayHalfLife > 0)) {
    throw new InputError(`decayHalfLife must be a positive number of seconds or null, got ${config.decayHalfLife}.`);
  }
  return config;
}
