import 'reflect-metadata';

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import {
  DEFAULT_GATEWAY_PORT,
  DEFAULT_HOST,
  defaultSubgraphPort,
  logger,
  SUBGRAPH_NAMES,
  waitForGraphql,
  type SubgraphName,
} from '@scifed/schema';

import { startGateway } from './gateway.js';

// `npm start`: runs the four subgraphs as child processes on the ports after
// the gateway's and the gateway in this process. A subgraph whose
// SCIFED_<NAME>_URL is set is not started here; the gateway uses that URL.
// `--demo` loads the demo data set once every subgraph responds.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const READY_TIMEOUT_MS = 60_000;

const host = process.env.SCIFED_HOST ?? DEFAULT_HOST;
const port = Number(process.env.SCIFED_PORT ?? DEFAULT_GATEWAY_PORT);
const children = new Map<SubgraphName, ChildProcess>();
let stopping = false;

function startChild(name: SubgraphName): { url: string; child: ChildProcess } {
  const subgraphPort = defaultSubgraphPort(name);
  const child = spawn(process.execPath, ['--import', 'tsx', `subgraphs/${name}/src/server.ts`], {
    cwd: ROOT,
    env: { ...process.env, [`SCIFED_${name.toUpperCase()}_PORT`]: String(subgraphPort), SCIFED_HOST: host },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.once('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) logger.error({ subgraph: name, code, signal }, 'subgraph process exited');
  });
  return { url: `http://${host}:${subgraphPort}/graphql`, child };
}

async function stopAll(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping SciFed');
  const exits = [...children.values()].map(
    (child) => new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  );
  await Promise.race([Promise.all(exits), new Promise((resolve) => setTimeout(resolve, 10_000))]);
  for (const child of children.values()) child.kill('SIGKILL');
}

async function main(): Promise<void> {
  const urls: Partial<Record<SubgraphName, string>> = {};
  const started: SubgraphName[] = [];
  for (const name of SUBGRAPH_NAMES) {
    const external = process.env[`SCIFED_${name.toUpperCase()}_URL`];
    if (external) {
      urls[name] = external;
      continue;
    }
    const { url, child } = startChild(name);
    children.set(name, child);
    started.push(name);
    urls[name] = url;
  }
  for (const name of started) {
    await waitForGraphql(urls[name]!, { label: `The ${name} subgraph`, timeoutMs: READY_TIMEOUT_MS, alive: () => children.has(name) });
  }

  const gateway = await startGateway({ host, port, subgraphUrls: urls });
  // on, not once, so that a second signal while stopping is ignored instead of killing the launcher.
  let signalled = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, async () => {
      if (signalled) return;
      signalled = true;
      await stopAll(signal);
      await gateway.stop();
      process.exit(0);
    });
  }

  console.log('\nSciFed is running:');
  console.log(`  gateway     ${gateway.url}`);
  for (const name of SUBGRAPH_NAMES) console.log(`  ${name.padEnd(11)} ${urls[name]}`);
  console.log(`  health      http://${host}:${gateway.port}/health\n`);

  if (process.argv.includes('--demo')) {
    const { seedDemo } = await import('./demo.js');
    const key = process.env.SCIFED_API_KEYS?.split(',')[0]?.trim();
    await seedDemo(gateway.url, key ? { authorization: `Bearer ${key}` } : {});
  }
}

main().catch(async (error) => {
  logger.error({ err: error }, 'SciFed failed to start');
  await stopAll('start-up failure');
  process.exit(1);
});
