import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { ChildGroups } from './cpu';

const ROOT = path.resolve(__dirname, '..');
/** A worker is ready once it logs this (scripts/services waits for the same line). */
const READY_LINE = '"worker polling"';
/** Each process bundles its workflows before polling, which takes a while when several start at once. */
const READY_TIMEOUT_MS = 300_000;
const STOP_GRACE_MS = 15_000;

/** A file under workers/ that runs one pool (workers/test-pool.ts runs the trivial baseline). */
export type PoolScript = 'booking' | 'payment' | 'test-pool';

interface Started {
  group: string;
  child: ChildProcess;
  exited: Promise<void>;
}

/**
 * Worker pools as child processes, started exactly as scripts/services starts them (workers/<pool>.ts with
 * tsx as a loader), so a benchmark measures the deployed shape — one process per worker, each with its own
 * event loop, connection and slots — and can run several processes of one pool. Output goes to a log file per
 * process.
 */
export class WorkerProcesses {
  private readonly started: Started[] = [];

  /** `env` is given to every process: namespace, database URLs and the like. */
  constructor(
    private readonly env: Record<string, string>,
    private readonly logDir: string,
  ) {}

  /** Starts `count` processes of a pool, counted under `group` for CPU, and resolves once all poll. */
  async start(
    group: string,
    script: PoolScript,
    count: number,
    env: Record<string, string> = {},
  ): Promise<void> {
    const running = this.count(group);
    await Promise.all(
      Array.from({ length: count }, (_, index) =>
        this.startOne(group, script, `${group}-${running + index + 1}`, env),
      ),
    );
  }

  /** The pids of each group, for bench/cpu.ts. */
  groups(): ChildGroups {
    const groups: Record<string, number[]> = {};
    for (const { group, child } of this.started) {
      if (child.pid !== undefined) (groups[group] ??= []).push(child.pid);
    }
    return groups;
  }

  /** How many processes of a group are running. */
  count(group: string): number {
    return this.started.filter((started) => started.group === group).length;
  }

  /** Stops every process of one group, as stopAll does. */
  async stop(group: string): Promise<void> {
    await this.stopEach(this.started.filter((started) => started.group === group));
  }

  /** SIGTERM to every process (the SDK drains its tasks), SIGKILL whatever is still there after a grace period. */
  async stopAll(): Promise<void> {
    await this.stopEach([...this.started]);
  }

  private async stopEach(stopping: Started[]): Promise<void> {
    for (const started of stopping) this.started.splice(this.started.indexOf(started), 1);
    for (const { child } of stopping) child.kill('SIGTERM');
    const timer = setTimeout(() => {
      for (const { child } of stopping) child.kill('SIGKILL');
    }, STOP_GRACE_MS);
    await Promise.all(stopping.map(({ exited }) => exited));
    clearTimeout(timer);
  }

  private async startOne(group: string, script: PoolScript, name: string, env: Record<string, string>) {
    const logFile = path.join(this.logDir, `${name.replaceAll(' ', '-')}.log`);
    const log = createWriteStream(logFile, { flags: 'a' });
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'workers', `${script}.ts`)], {
      cwd: ROOT,
      // METRICS_PORT 0: each process picks a free port, so several processes of one pool never clash.
      env: { ...process.env, NODE_OPTIONS: '', METRICS_PORT: '0', ...this.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // 'close' comes after both output streams have ended, so no line is written to a closed log.
    child.once('close', () => log.end());
    this.started.push({ group, child, exited });
    child.stderr.pipe(log, { end: false });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name} did not poll within ${READY_TIMEOUT_MS} ms; see ${logFile}`)),
        READY_TIMEOUT_MS,
      );
      createInterface({ input: child.stdout }).on('line', (line) => {
        log.write(`${line}\n`);
        if (line.includes(READY_LINE)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${signal ?? code}) before polling; see ${logFile}`));
      });
    });
  }
}
