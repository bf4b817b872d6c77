/**
 * Atom counts of stored structures, for the cost estimate of kernel fields.
 * Structures never change after they are stored, so a size once read stays
 * valid; the cache is bounded and evicts the oldest entries first.
 */
export class StructureSizes {
  private readonly cache = new Map<string, number>();

  constructor(
    private readonly materialsUrl: () => string,
    private readonly capacity = 10_000,
  ) {}

  /** Sizes for `ids`, asking the materials subgraph (one request) for those not cached. */
  async lookup(ids: string[]): Promise<Map<string, number>> {
    const missing = ids.filter((id) => !this.cache.has(id));
    if (missing.length > 0) await this.fetch(missing);
    const sizes = new Map<string, number>();
    for (const id of ids) {
      const natoms = this.cache.get(id);
      if (natoms !== undefined) sizes.set(id, natoms);
    }
    return sizes;
  }

  private async fetch(ids: string[]): Promise<void> {
    try {
      const response = await fetch(this.materialsUrl(), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Structure { id natoms } } }',
          variables: { r: ids.map((id) => ({ __typename: 'Structure', id })) },
        }),
        signal: AbortSignal.timeout(5_000),
      });
      const body = (await response.json()) as { data?: { _entities: ({ id: string; natoms: number } | null)[] } };
      for (const entity of body.data?._entities ?? []) {
        if (!entity) continue;
        if (this.cache.size >= this.capacity) this.cache.delete(this.cache.keys().next().value!);
        this.cache.set(entity.id, entity.natoms);
      }
    } catch {
      // Unknown sizes are costed at the per-structure atom limit.
    }
  }
}
