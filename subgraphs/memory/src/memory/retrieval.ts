import { searchVectors, type Backend } from '@scifed/compute';

/**
 * In-memory copy of one bank's memory-level vectors (unit length, heads ×
 * headDim each), searched exactly by inner product through the kernel layer.
 * Built from the store on first use and kept current by the service on every
 * write and forget, so updates and deletes apply to the next recall.
 */
export class BankIndex {
  private vectors: Float32Array;
  private ids: string[] = [];
  private rowOfId = new Map<string, number>();

  constructor(readonly dim: number) {
    this.vectors = new Float32Array(dim * 64);
  }

  get count(): number {
    return this.ids.length;
  }

  /** Adds a memory's vector; an id already present is left as it is. */
  add(id: string, vector: Float32Array): void {
    if (this.rowOfId.has(id)) return;
    const row = this.ids.length;
    if ((row + 1) * this.dim > this.vectors.length) {
      const grown = new Float32Array(this.vectors.length * 2);
      grown.set(this.vectors);
      this.vectors = grown;
    }
    this.vectors.set(vector, row * this.dim);
    this.ids.push(id);
    this.rowOfId.set(id, row);
  }

  /** Removes a memory by moving the last row into its place. */
  remove(id: string): void {
    const row = this.rowOfId.get(id);
    if (row === undefined) return;
    const last = this.ids.length - 1;
    if (row !== last) {
      this.vectors.copyWithin(row * this.dim, last * this.dim, (last + 1) * this.dim);
      this.ids[row] = this.ids[last];
      this.rowOfId.set(this.ids[row], row);
    }
    this.ids.pop();
    this.rowOfId.delete(id);
  }

  /**
   * Cosine similarity (inner product of unit vectors) of `query` with the
   * `k` most similar memories, and with every memory in `also`, in one or two
   * exact kernel searches.
   */
  async similarities(query: Float32Array, k: number, also: readonly string[]): Promise<{ similarity: Map<string, number>; backend: Backend | null }> {
    const similarity = new Map<string, number>();
    if (this.count === 0) return { similarity, backend: null };
    const base = this.vectors.subarray(0, this.count * this.dim);
    const top = await searchVectors({ base, dim: this.dim, queries: query, k: Math.min(k, this.count, 1024), metric: 'ip' });
    for (let i = 0; i < top.k; i++) similarity.set(this.ids[top.indices[i]], -top.distances[i]);

    const extra = also.filter((id) => !similarity.has(id) && this.rowOfId.has(id)).map((id) => this.rowOfId.get(id)!);
    if (extra.length > 0) {
      const candidates = Int32Array.from(extra);
      const rest = await searchVectors({ base, dim: this.dim, queries: query, k: candidates.length, metric: 'ip', candidates });
      for (let i = 0; i < rest.k; i++) similarity.set(this.ids[rest.indices[i]], -rest.distances[i]);
    }
    return { similarity, backend: top.backend };
  }
}
