// Entry point of the WebAssembly kernel module (compute/build/kernels.wasm).
// Every kernel reads and writes the scratch arena by byte offset; the host
// side in compute/src/wasm.ts owns the layout of each call.
export { arenaBase, arenaReserve } from './arena';
export { ffExtendPositions, ffSpreadI32, ffSpreadF64, ffFoldGhosts } from './neighbors';
export { ffLjHalf, ffMorseHalf } from './pair';
export { ffVirialFdotr } from './pair';
export { ffEamDensityHalf, ffEamEmbed, ffEamForceHalf } from './eam';
export { vectorSearch } from './vectors';
export { attentionSelect, attentionReadout } from './attention';
export { streamSum } from './bandwidth';
export { nlWrap, nlCountGhosts, nlFillGhosts, nlBin, nlSearch } from './neighbor-build';
