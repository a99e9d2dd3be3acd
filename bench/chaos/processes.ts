import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = path.resolve(__dirname, '../..');
/** A worker is ready once it logs this (scripts/services waits for the same line). */
const READY_LINE = '"worker polling"';
const READY_TIMEOUT_MS = 180_000;
const STOP_GRACE_MS = 15_000;

export type PoolName = 'booking' | 'payment' | 'review' | 'notification';

interface RunningWorker {
  child: ChildProcess;
  exited: Promise<void>;
}

/**
 * The worker pools as child processes, one process per pool as `scripts/services` runs them (tsx as a loader,
 * so a SIGKILL hits the worker itself and not a wrapper). Their output goes to one log file per pool.
 */
export class WorkerProcesses {
  private readonly running = new Map<PoolName, RunningWorker>();
  private readonly logs = new Map<PoolName, WriteStream>();
  private generation = 0;

  constructor(
    private readonly env: Record<string, string>,
    private readonly logDir: string,
  ) {}

  logFile(pool: PoolName): string {
    return path.join(this.logDir, `worker-${pool}.log`);
  }

  pid(pool: PoolName): number | undefined {
    return this.running.get(pool)?.child.pid;
  }

  pids(): number[] {
    return [...this.running.values()].flatMap(({ child }) => (child.pid === undefined ? [] : [child.pid]));
  }

  /** Starts the pool's process and resolves once it polls its task queue. */
  async start(pool: PoolName): Promise<void> {
    if (this.running.has(pool)) throw new Error(`the ${pool} worker is already running`);
    let log = this.logs.get(pool);
    if (!log) {
      log = createWriteStream(this.logFile(pool), { flags: 'a' });
      this.logs.set(pool, log);
    }
    this.generation += 1;
    log.write(`--- start #${this.generation} at ${new Date().toISOString()}\n`);
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'workers', `${pool}.ts`)], {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.running.set(pool, { child, exited });
    child.stderr.pipe(log, { end: false });
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the ${pool} worker did not poll within ${READY_TIMEOUT_MS} ms`)),
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
        reject(
          new Error(
            `the ${pool} worker exited (${signal ?? code}) before polling; see ${this.logFile(pool)}`,
          ),
        );
      });
    });
    await ready;
  }

  /** SIGKILL, as a crashed machine or an OOM kill would end it: no drain, no goodbye to the server. */
  async kill(pool: PoolName): Promise<void> {
    const worker = this.running.get(pool);
    if (!worker) throw new Error(`no ${pool} worker to kill`);
    worker.child.kill('SIGKILL');
    await worker.exited;
    this.running.delete(pool);
    this.logs.get(pool)?.write(`--- SIGKILL at ${new Date().toISOString()}\n`);
  }

  /** SIGTERM to every pool (the SDK drains its tasks), SIGKILL whatever is still there after a grace period. */
  async stopAll(): Promise<void> {
    const workers = [...this.running.values()];
    for (const { child } of workers) child.kill('SIGTERM');
    const timer = setTimeout(() => {
      for (const { child } of workers) child.kill('SIGKILL');
    }, STOP_GRACE_MS);
    await Promise.all(workers.map(({ exited }) => exited));
    clearTimeout(timer);
    this.running.clear();
    await Promise.all(
      [...this.logs.values()].map((log) => new Promise<void>((resolve) => log.end(() => resolve()))),
    );
    this.logs.clear();
  }
}
