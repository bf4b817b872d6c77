import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { waitForGraphql } from '@scifed/schema';
import autocannon from 'autocannon';

import type { BenchSuite, BenchTable } from '../report.js';

// Gateway benchmarks: the same query sent to a subgraph directly, through the
// SciFed gateway and through Hive Gateway (a peer serving the same
// supergraph), then a mixed federated load on the SciFed gateway. Every
// server listens on 127.0.0.1; the load is bounded in time.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BASE_PORT = 4100;
const HIVE_PORT = 4110;
const HIVE_NO_DEDUPE_PORT = 4111;
const host = '127.0.0.1';
const gatewayUrl = `http://${host}:${BASE_PORT}/graphql`;
const materialsUrl = `http://${host}:${BASE_PORT + 1}/graphql`;
const hiveUrl = `http://${host}:${HIVE_PORT}/graphql`;
const hiveNoDedupeUrl = `http://${host}:${HIVE_NO_DEDUPE_PORT}/graphql`;

const MATERIAL_QUERY = '{ material(formula: "Cu") { formula structures(first: 5) { totalCount edges { node { id natoms } } } } }';

/** Federated queries of the load mix; each touches different subgraphs. */
const MIXED_QUERIES = [
  MATERIAL_QUERY,
  '{ structures(first: 10) { totalCount edges { node { id formula natoms } } } }',
  '{ material(formula: "Cu") { formula } }',
];

async function waitFor(url: string, child: ChildProcess, seconds = 90): Promise<void> {
  await waitForGraphql(url, { label: `The server behind ${url}`, timeoutMs: seconds * 1000, alive: () => child.exitCode === null });
}

function residentMiB(pid: number | undefined): number {
  if (!pid) return NaN;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : NaN;
}

interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  status5xx: number;
}

async function load(url: string, queries: string[], seconds: number, connections: number): Promise<LoadResult> {
  const requests = queries.map((query) => ({
    method: 'POST' as const,
    path: '/graphql',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  }));
  const result = await autocannon({ url, connections, duration: seconds, requests });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    status5xx: result['5xx'],
  };
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

export const gatewaySuite: BenchSuite = {
  name: 'gateway',
  async run({ quick }) {
    const seconds = quick ? 3 : 10;
    const loadSeconds = quick ? 5 : 60;
    const dataDir = path.join(tmpdir(), `scifed-bench-gateway-${process.pid}`);
    let scifed: ChildProcess | undefined;
    let hive: ChildProcess | undefined;
    let hiveNoDedupe: ChildProcess | undefined;
    try {
      scifed = spawn(process.execPath, ['--import', 'tsx', 'gateway/src/launch.ts', '--demo'], {
        cwd: ROOT,
        env: { ...process.env, SCIFED_PORT: String(BASE_PORT), SCIFED_DATA_DIR: dataDir, SCIFED_LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      await waitFor(gatewayUrl, scifed);
      // The demo seed runs right after start; give it a moment to finish.
      await new Promise((resolve) => setTimeout(resolve, 2_000));

      // Hive Gateway reads the same supergraph, with URLs of this run's ports.
      const supergraph = readFileSync(path.join(ROOT, 'schema/supergraph.graphql'), 'utf8').replace(
        /http:\/\/127\.0\.0\.1:400(\d)\/graphql/g,
        (_match, digit: string) => `http://${host}:${BASE_PORT + Number(digit)}/graphql`,
      );
      const supergraphFile = path.join(tmpdir(), `scifed-bench-supergraph-${process.pid}.graphql`);
      writeFileSync(supergraphFile, supergraph);
      hive = spawn(path.join(ROOT, 'node_modules/.bin/hive-gateway'), ['supergraph', supergraphFile, '--host', host, '--port', String(HIVE_PORT)], {
        cwd: ROOT,
        env: { ...process.env, NODE_ENV: 'production' },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      await waitFor(hiveUrl, hive);
      hiveNoDedupe = spawn(
        path.join(ROOT, 'node_modules/.bin/hive-gateway'),
        ['supergraph', supergraphFile, '--host', host, '--port', String(HIVE_NO_DEDUPE_PORT)],
        { cwd: path.join(ROOT, 'bench/hive-no-dedupe'), env: { ...process.env, NODE_ENV: 'production' }, stdio: ['ignore', 'ignore', 'inherit'] },
      );
      await waitFor(hiveNoDedupeUrl, hiveNoDedupe);

      const direct = await load(materialsUrl, [MATERIAL_QUERY], seconds, 16);
      const ours = await load(gatewayUrl, [MATERIAL_QUERY], seconds, 16);
      const peer = await load(hiveUrl, [MATERIAL_QUERY], seconds, 16);
      const peerNoDedupe = await load(hiveNoDedupeUrl, [MATERIAL_QUERY], seconds, 16);

      const overhead: BenchTable = {
        title: 'Gateway overhead: one material query, 16 connections',
        columns: ['target', 'requests/s', 'p50 ms', 'p99 ms', 'req/s ÷ direct', 'non-2xx'],
        rows: [
          ['materials subgraph directly', direct.requestsPerSecond, direct.p50, direct.p99, 1, direct.non2xx],
          ['SciFed gateway (@apollo/gateway)', ours.requestsPerSecond, ours.p50, ours.p99, ours.requestsPerSecond / direct.requestsPerSecond, ours.non2xx],
          ['Hive Gateway 2.15, defaults', peer.requestsPerSecond, peer.p50, peer.p99, peer.requestsPerSecond / direct.requestsPerSecond, peer.non2xx],
          [
            'Hive Gateway 2.15, in-flight deduplication off',
            peerNoDedupe.requestsPerSecond,
            peerNoDedupe.p50,
            peerNoDedupe.p99,
            peerNoDedupe.requestsPerSecond / direct.requestsPerSecond,
            peerNoDedupe.non2xx,
          ],
        ],
        notes: [
          `Each target ran for ${seconds} s with autocannon in the benchmark process; all servers share the same cores, so figures are relative.`,
          'The material query resolves in the materials subgraph only, so the difference to the direct row is the gateway cost (parse, plan, HTTP hop).',
          'Hive Gateway by default sends one subgraph request for identical concurrent requests and shares the answer, which is why it can beat the direct row on this benchmark of identical queries; the second Hive row turns that off (bench/hive-no-dedupe/gateway.config.ts).',
        ],
      };

      const rssBefore = residentMiB(scifed.pid);
      const mixed = await load(gatewayUrl, MIXED_QUERIES, loadSeconds, 64);
      const rssAfter = residentMiB(scifed.pid);
      const loadTable: BenchTable = {
        title: `Load: mixed federated queries, 64 connections, ${loadSeconds} s`,
        columns: ['requests/s', 'p50 ms', 'p99 ms', '5xx', 'errors', 'gateway RSS before MiB', 'after MiB'],
        rows: [[mixed.requestsPerSecond, mixed.p50, mixed.p99, mixed.status5xx, mixed.errors, rssBefore, rssAfter]],
        notes: [`Queries rotate through ${MIXED_QUERIES.length} operations. The run fails only on 5xx responses or connection errors.`],
      };
      if (mixed.status5xx > 0 || mixed.errors > 0) {
        throw new Error(`Load run had ${mixed.status5xx} 5xx responses and ${mixed.errors} connection errors.`);
      }
      return [overhead, loadTable];
    } finally {
      await stop(hiveNoDedupe);
      await stop(hive);
      await stop(scifed);
    }
  },
};
