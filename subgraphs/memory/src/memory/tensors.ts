import { decodeHalf } from '@scifed/compute';
import { InputError } from '@scifed/schema';

/** Element type of tensors sent by a client. */
export type TensorDType = 'F32' | 'F16';
export const TENSOR_DTYPES: readonly TensorDType[] = ['F32', 'F16'];

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Bytes `base64` decodes to, without decoding it. */
export function decodedLength(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return (base64.length / 4) * 3 - padding;
}

/**
 * Decodes a base64 little-endian tensor of `count` elements of `dtype` to
 * f32. Throws InputError naming `argument`, the byte counts and `shape`.
 */
export function decodeTensor(argument: string, base64: string, dtype: TensorDType, count: number, shape: string): Float32Array {
  if (base64.length % 4 !== 0 || !BASE64.test(base64)) {
    throw new InputError(`${argument} is not valid base64 (standard alphabet, padded to a multiple of 4 characters); encode the raw little-endian bytes.`);
  }
  const width = dtype === 'F32' ? 4 : 2;
  const found = decodedLength(base64);
  if (found !== count * width) {
    throw new InputError(
      `${argument} decodes to ${found} bytes, expected ${count * width} (${shape} = ${count} ${dtype} values of ${width} bytes); check tokens, the bank's heads and headDim, and dtype.`,
    );
  }
  const bytes = Buffer.from(base64, 'base64');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = dtype === 'F32' ? new Float32Array(count) : decodeHalf(Uint16Array.from({ length: count }, (_, i) => view.getUint16(i * 2, true)));
  for (let i = 0; i < count; i++) {
    if (dtype === 'F32') out[i] = view.getFloat32(i * 4, true);
    if (!Number.isFinite(out[i])) {
      throw new InputError(`${argument} element ${i} is ${out[i]}; every element must be finite.`);
    }
  }
  return out;
}
