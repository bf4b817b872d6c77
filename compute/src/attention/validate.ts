import { KernelInputError } from '../errors.js';
import { checkFinite, checkFiniteHalf, checkInteger, checkMatrix } from '../validate.js';
import { MAX_TOP_K } from '../vectors/types.js';
import { storageKind, type AttentionProblem, type SparseAttentionOptions, type TokenStorage } from './types.js';

function checkStorage(argument: string, array: TokenStorage, scales: Float32Array | undefined, options: SparseAttentionOptions): void {
  const { tokens, heads, dim } = options;
  if (!(array instanceof Float32Array || array instanceof Uint16Array || array instanceof Int8Array)) {
    throw new KernelInputError(argument, 'a Float32Array, Uint16Array (f16 bits) or Int8Array', Object.prototype.toString.call(array));
  }
  checkMatrix(argument, array, tokens, heads * dim, 'tokens × (heads · dim)');
  const scaleArgument = `${argument.replace(/s$/, '')}Scales`;
  if (array instanceof Int8Array) {
    if (!(scales instanceof Float32Array)) {
      throw new KernelInputError(scaleArgument, `a Float32Array of tokens × heads = ${tokens * heads} scales for int8 ${argument}`, String(scales));
    }
    checkMatrix(scaleArgument, scales, tokens, heads, 'tokens × heads');
    checkFinite(scaleArgument, scales, heads);
  } else if (array instanceof Uint16Array) {
    checkFiniteHalf(argument, array, heads * dim);
  } else {
    checkFinite(argument, array, heads * dim);
  }
}

/** Validates sparse-attention inputs before any kernel runs. */
export function validateAttention(options: SparseAttentionOptions): AttentionProblem {
  const { queries, keys, values, tokens, heads, dim, topK } = options;
  checkInteger('tokens', tokens, 0, 2 ** 31 - 1);
  checkInteger('heads', heads, 1, 65535);
  checkInteger('dim', dim, 1, 1 << 16);
  checkInteger('topK', topK, 1, MAX_TOP_K);
  const minScore = options.minScore ?? -Infinity;
  if (Number.isNaN(minScore)) throw new KernelInputError('minScore', 'a number or -Infinity', 'NaN');
  if (!(queries instanceof Float32Array)) throw new KernelInputError('queries', 'a Float32Array (heads × dim)', Object.prototype.toString.call(queries));
  checkMatrix('queries', queries, heads, dim, 'heads × dim');
  checkFinite('queries', queries, dim);
  checkStorage('keys', keys, options.keyScales, options);
  checkStorage('values', values, options.valueScales, options);
  return {
    queries,
    keys,
    keyKind: storageKind(keys),
    keyScales: keys instanceof Int8Array ? options.keyScales : undefined,
    values,
    valueKind: storageKind(values),
    valueScales: values instanceof Int8Array ? options.valueScales : undefined,
    tokens,
    heads,
    dim,
    topK,
    minScore,
  };
}
