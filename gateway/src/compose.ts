import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { composeServices } from '@apollo/composition';
import { DEFAULT_HOST, defaultSubgraphPort, type SubgraphName } from '@scifed/schema';
import { parse } from 'graphql';

import { loadSubgraphModules } from './subgraphs.js';

/** Folder of the checked-in SDL: schema/<name>.graphql and schema/supergraph.graphql. */
export const SCHEMA_DIR = fileURLToPath(new URL('../../schema/', import.meta.url));
export const SUPERGRAPH_PATH = `${SCHEMA_DIR}supergraph.graphql`;

/** URL written into the checked-in supergraph: the default local port of each subgraph. */
export function defaultSubgraphUrl(name: SubgraphName): string {
  return `http://${DEFAULT_HOST}:${defaultSubgraphPort(name)}/graphql`;
}

/** Where the gateway sends a subgraph's requests: SCIFED_<NAME>_URL, else the default local port. */
export function subgraphUrl(name: SubgraphName, env = process.env): string {
  return env[`SCIFED_${name.toUpperCase()}_URL`] ?? defaultSubgraphUrl(name);
}

export interface PrintedSchemas {
  subgraphs: { name: SubgraphName; sdl: string }[];
  supergraph: string;
}

/**
 * Prints every subgraph's SDL from code and composes the supergraph with
 * @apollo/composition. Throws with every composition error when it fails.
 */
export async function printSchemas(): Promise<PrintedSchemas> {
  const modules = await loadSubgraphModules();
  const subgraphs = modules.map((module) => ({ name: module.name, sdl: module.buildSchema().sdl }));
  const result = composeServices(
    subgraphs.map(({ name, sdl }) => ({
      name,
      url: defaultSubgraphUrl(name),
      typeDefs: parse(sdl),
    })),
  );
  if (result.errors) {
    throw new Error(`Supergraph composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  return { subgraphs, supergraph: `${result.supergraphSdl}\n` };
}

export function readCheckedInSupergraph(): string {
  return readFileSync(SUPERGRAPH_PATH, 'utf8');
}
