import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createDb, sql } from '@kvartirnsk/lib/postgres';
import { TEST_POSTGRES_URL } from '@kvartirnsk/lib/testing';
import { loadAverage, type MachineInfo, machineInfo } from './results';

const ROOT = path.resolve(__dirname, '..');
const TEMPORAL_ADDRESS = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
const ELASTICSEARCH_URL = process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';
/** Libraries whose version changes what a benchmark measures. */
const LIBRARIES = [
  '@temporalio/client',
  '@temporalio/worker',
  '@elastic/elasticsearch',
  'pg',
  'kysely',
  'express',
  'stripe',
  'autocannon',
] as const;

/** What the figures of a run depend on besides our code: versions of the servers and libraries. */
export interface Versions {
  node: string;
  /** `temporal --version` of the CLI running the dev server: its own version and the server and UI it embeds. */
  temporalCli: string;
  temporalServer: string;
  postgres: string;
  elasticsearch: string;
  libraries: Record<string, string>;
}

/** The machine and versions of one `npm run bench`, and how busy the machine was when it began and ended. */
export interface RunEnvironment {
  machine: MachineInfo;
  startedAt: string;
  finishedAt?: string;
  /** 1-, 5- and 15-minute load averages: other work on a shared machine skews every figure. */
  loadAverage: { start: number[]; end?: number[] };
  versions: Versions;
}

/** A version we could not read is recorded as why, never fails the run. */
async function versionOf(read: () => Promise<string> | string): Promise<string> {
  try {
    return (await read()).trim();
  } catch (err) {
    return `unknown (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`;
  }
}

/** The binary of the running dev server, found the way bench/cpu.ts finds its process. */
function temporalCliVersion(): string {
  const listing = execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' });
  const command = listing.split('\n').find((line) => /\bserver start-dev\b/.test(line));
  const binary = command?.split(' ')[0];
  if (!binary) throw new Error('no dev server running');
  return execFileSync(binary, ['--version'], { encoding: 'utf8' });
}

async function temporalServerVersion(): Promise<string> {
  const connection = await Connection.connect({ address: TEMPORAL_ADDRESS });
  try {
    const info = await new Client({ connection }).workflowService.getSystemInfo({});
    return info.serverVersion ?? 'not reported';
  } finally {
    await connection.close();
  }
}

async function postgresVersion(): Promise<string> {
  const db = createDb({ url: TEST_POSTGRES_URL, poolSize: 1, applicationName: 'bench-environment' });
  try {
    const { rows } = await sql<{ server_version: string }>`show server_version`.execute(db);
    return rows[0]?.server_version ?? 'not reported';
  } finally {
    await db.destroy();
  }
}

/** From the node info: the root endpoint (`GET /`) is not answered by every configuration of the server. */
async function elasticsearchVersion(): Promise<string> {
  const res = await fetch(`${ELASTICSEARCH_URL}/_nodes/_local?filter_path=nodes.*.version`, {
    signal: AbortSignal.timeout(5_000),
  });
  const body = (await res.json()) as { nodes?: Record<string, { version?: string }> };
  const [node] = Object.values(body.nodes ?? {});
  return node?.version ?? `not reported (HTTP ${res.status})`;
}

function libraryVersion(name: string): string {
  const manifest = JSON.parse(
    readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8'),
  ) as {
    version: string;
  };
  return manifest.version;
}

export async function runEnvironment(): Promise<RunEnvironment> {
  const [temporalCli, temporalServer, postgres, elasticsearch] = await Promise.all([
    versionOf(temporalCliVersion),
    versionOf(temporalServerVersion),
    versionOf(postgresVersion),
    versionOf(elasticsearchVersion),
  ]);
  const libraries: Record<string, string> = {};
  for (const name of LIBRARIES) libraries[name] = await versionOf(() => libraryVersion(name));
  return {
    machine: machineInfo(),
    startedAt: new Date().toISOString(),
    loadAverage: { start: loadAverage() },
    versions: { node: process.version, temporalCli, temporalServer, postgres, elasticsearch, libraries },
  };
}

export function finished(environment: RunEnvironment): RunEnvironment {
  return {
    ...environment,
    finishedAt: new Date().toISOString(),
    loadAverage: { ...environment.loadAverage, end: loadAverage() },
  };
}
