// Host API of the kernel layer: typed-array inputs, backend selection and
// results that name the backend that computed them. No GraphQL, no storage.
export * from './errors.js';
export * from './backend.js';
export { gpuContext, gpuUnavailableReason, releaseGpu } from './webgpu.js';
export * from './telemetry.js';
export * from './forcefield/index.js';
export { searchVectors, searchVectorsInt8, quantizeInt8, MAX_TOP_K, GPU_WORK_THRESHOLD } from './vectors/index.js';
export { ResidentVectors } from './vectors/index.js';
export type { ResidentSearchOptions } from './vectors/index.js';
export type { VectorMetric, VectorSearchOptions, Int8VectorSearchOptions, VectorSearchResult, RowIds, QuantizedVectors } from './vectors/index.js';
export { rankByReceivedAttention, MAX_RECEIVED_ATTENTION_TOKENS, type ReceivedAttentionOptions, type ReceivedAttentionResult } from './received-attention.js';
export { sparseAttention, encodeHalf, decodeHalf } from './attention/index.js';
export type { SparseAttentionOptions, SparseAttentionResult, TokenStorage } from './attention/index.js';
