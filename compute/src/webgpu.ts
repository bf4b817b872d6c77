/// <reference types="@webgpu/types" />
import { BackendUnavailableError } from './errors.js';

/**
 * One WebGPU device per process, from the `webgpu` package (Dawn for Node).
 *
 * Adapter search order: the platform default (Vulkan, Metal or D3D12 on a real
 * GPU), then Dawn's OpenGL ES backend at the compatibility feature level,
 * which runs on Mesa's llvmpipe through surfaceless EGL on machines without a
 * GPU. Debian 12's lavapipe Vulkan driver is rejected by Dawn, so the GL ES
 * path is the CPU fallback. Set SCIFED_WEBGPU=off to skip WebGPU entirely.
 */
export interface GpuContext {
  device: GPUDevice;
  adapterName: string;
  /** Largest storage-buffer binding, bytes (128 MiB on llvmpipe). */
  maxStorageBinding: number;
  maxWorkgroupSizeX: number;
  maxComputeWorkgroupsPerDimension: number;
}

let pending: Promise<GpuContext | null> | undefined;
let unavailableReason = '';
let gpuEntry: GPU | undefined;

async function requestAdapter(): Promise<GPUAdapter | null> {
  const webgpu = await import('webgpu');
  Object.assign(globalThis, webgpu.globals);

  const preferred = webgpu.create([]);
  const adapter = await preferred.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
  if (adapter && !adapter.info?.description?.toLowerCase().includes('swiftshader')) {
    gpuEntry = preferred;
    return adapter;
  }

  // Surfaceless EGL lets Mesa's llvmpipe run without a display server.
  process.env.EGL_PLATFORM ??= 'surfaceless';
  const gles = webgpu.create(['backend=opengles']);
  const fallback = await gles
    .requestAdapter({ featureLevel: 'compatibility' } as GPURequestAdapterOptions)
    .catch(() => null);
  gpuEntry = fallback ? gles : undefined;
  return fallback;
}

async function openDevice(): Promise<GpuContext | null> {
  if (process.env.SCIFED_WEBGPU === 'off') {
    unavailableReason = 'SCIFED_WEBGPU=off';
    return null;
  }
  let adapter: GPUAdapter | null;
  try {
    adapter = await requestAdapter();
  } catch (error) {
    unavailableReason = `the webgpu package failed to load: ${(error as Error).message}`;
    return null;
  }
  if (!adapter) {
    unavailableReason = 'no WebGPU adapter was found (install Mesa: libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri)';
    return null;
  }
  const limits = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
      maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
    },
  });
  const info = adapter.info;
  return {
    device,
    adapterName: [info?.vendor, info?.architecture, info?.device, info?.description].filter(Boolean).join(' ') || 'unknown',
    maxStorageBinding: limits.maxStorageBufferBindingSize,
    maxWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
    maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
  };
}

/** Returns the shared device, or null where no adapter exists (see gpuUnavailableReason). */
export function gpuContext(): Promise<GpuContext | null> {
  pending ??= openDevice();
  return pending;
}

/** Why gpuContext() returned null, for skip messages and errors. */
export function gpuUnavailableReason(): string {
  return unavailableReason;
}

/** Returns the shared device or throws BackendUnavailableError. */
export async function requireGpu(): Promise<GpuContext> {
  const context = await gpuContext();
  if (!context) throw new BackendUnavailableError('webgpu', gpuUnavailableReason());
  return context;
}

/**
 * Destroys the device and drops the instance. Node does not exit while a
 * Dawn instance is alive, so servers call this on shutdown and tests in afterAll.
 */
export async function releaseGpu(): Promise<void> {
  const context = await pending?.catch(() => null);
  context?.device.destroy();
  pending = undefined;
  gpuEntry = undefined;
}

/** Uploads a typed array into a new storage buffer. */
export function uploadBuffer(device: GPUDevice, data: ArrayBufferView, label: string, usage = 0): GPUBuffer {
  const size = Math.max(16, Math.ceil(data.byteLength / 16) * 16);
  const buffer = device.createBuffer({
    label,
    size,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC | usage,
    mappedAtCreation: true,
  });
  new Uint8Array(buffer.getMappedRange()).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  buffer.unmap();
  return buffer;
}

/** Copies `bytes` bytes of a storage buffer back to the host. */
export async function readBuffer(device: GPUDevice, source: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
  const size = Math.ceil(bytes / 4) * 4;
  const staging = device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = device.createCommandEncoder();
  encoder.copyBufferToBuffer(source, 0, staging, 0, size);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const copy = staging.getMappedRange().slice(0, bytes);
  staging.unmap();
  staging.destroy();
  return copy;
}
