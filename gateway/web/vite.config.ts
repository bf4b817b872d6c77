import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vite';

const SUPERGRAPH = fileURLToPath(new URL('../../schema/supergraph.graphql', import.meta.url));

/**
 * Reads which subgraph resolves each field of `Material` from the
 * `@join__field(graph: NAME)` directives of the checked-in supergraph, so the
 * page can label every section of the material view with its source.
 */
function materialFieldOwners(): Record<string, string> {
  const sdl = readFileSync(SUPERGRAPH, 'utf8');
  const block = /\ntype Material\b[^{]*\{([\s\S]*?)\n\}/.exec(sdl);
  if (!block) throw new Error(`No "type Material" in ${SUPERGRAPH}; run npm run compose.`);

  const owners: Record<string, string> = {};
  for (const match of block[1].matchAll(/^\s+(\w+)(?:\([^)]*\))?:[^\n]*@join__field\(graph: (\w+)\)/gm)) {
    owners[match[1]] = match[2].toLowerCase();
  }
  return owners;
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  define: {
    __MATERIAL_FIELD_OWNERS__: JSON.stringify(materialFieldOwners()),
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The bundle is about 650 kB minified, nearly all of it three.js, and it is served locally.
    chunkSizeWarningLimit: 1024,
  },
  server: {
    host: '127.0.0.1',
    // `npm run dev -w gateway/web` against a gateway started with `npm start`.
    proxy: { '/graphql': 'http://127.0.0.1:4000' },
  },
});
