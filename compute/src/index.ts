// Host API of the kernel layer: typed-array inputs, backend selection and
// results that name the backend that computed them. No GraphQL, no storage.
export * from './errors.js';
export * from './backend.js';
export { gpuContext, gpuUnavailableReason, releaseGpu } from './webgpu.js';
export * from './forcefield/index.js';
