import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = path.resolve(__dirname, '../..');
const READY_TIMEOUT_MS = 180_000;
const STOP_GRACE_MS = 15_000;
/** A supervisor's pause before it starts a process that died on its own again. */
const SUPERVISOR_RESTART_DELAY_MS = 1_000;

/**
 * The processes of a run, started as `scripts/services` starts them, each ready once it logs the line
 * `scripts/services` waits for: the worker pools, and the consumers downstream of the bookings outbox.
 */
const PROCESSES = {
  booking: { entry: 'workers/booking.ts', readyLine: '"worker polling"' },
  payment: { entry: 'workers/payment.ts', readyLine: '"worker polling"' },
  review: { entry: 'workers/review.ts', readyLine: '"worker polling"' },
  notification: { entry: 'workers/notification.ts', readyLine: '"worker polling"' },
  // Starts its HTTP server only after its migrations ran and its consumer subscribed.
  analytics: { entry: 'api/analytics/server.ts', readyLine: '"listening"' },
  'search-indexer': { entry: 'api/search/indexer.ts', readyLine: '"search indexer consuming"' },
} as const;

export type ProcessName = keyof typeof PROCESSES;
export type PoolName = Extract<ProcessName, 'booking' | 'payment' | 'review' | 'notification'>;

interface RunningProcess {
  child: ChildProcess;
  exited: Promise<void>;
  /** Set when the harness ends it on purpose, so the supervisor leaves it down. */
  expectedExit: boolean;
}

export interface SupervisorRestart {
  name: ProcessName;
  at: string;
  /** The exit code or signal of the process that died on its own. */
  exit: string;
}

/**
 * The run's processes as children, one per pool or service (tsx as a loader, so a SIGKILL hits the process
 * itself and not a wrapper), each logging to a file of its own. Like the supervisor a deployment has, a
 * process that dies on its own (a database restart it does not survive) is started again; those restarts
 * are recorded, the SIGKILLs the harness injects are not.
 */
export class ServiceProcesses {
  private readonly running = new Map<ProcessName, RunningProcess>();
  private readonly starting = new Map<ProcessName, Promise<void>>();
  private readonly logs = new Map<ProcessName, WriteStream>();
  private generation = 0;
  private stopping = false;
  readonly supervisorRestarts: SupervisorRestart[] = [];

  constructor(
    private readonly env: Record<string, string>,
    private readonly logDir: string,
    /** Settings of one process only (its database, its port). */
    private readonly envOf: Partial<Record<ProcessName, Record<string, string>>> = {},
  ) {}

  logFile(name: ProcessName): string {
    return path.join(this.logDir, `${name}.log`);
  }

  pid(name: ProcessName): number | undefined {
    return this.running.get(name)?.child.pid;
  }

  /** Starts the process and resolves once it logged its ready line. */
  async start(name: ProcessName): Promise<void> {
    const pending = this.starting.get(name);
    if (pending) return pending;
    if (this.running.has(name)) throw new Error(`${name} is already running`);
    const started = this.spawnReady(name).finally(() => this.starting.delete(name));
    this.starting.set(name, started);
    return started;
  }

  private async spawnReady(name: ProcessName): Promise<void> {
    let log = this.logs.get(name);
    if (!log) {
      log = createWriteStream(this.logFile(name), { flags: 'a' });
      this.logs.set(name, log);
    }
    this.generation += 1;
    log.write(`--- start #${this.generation} at ${new Date().toISOString()}\n`);
    const { entry, readyLine } = PROCESSES[name];
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, entry)], {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '', ...this.env, ...this.envOf[name] },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const running: RunningProcess = {
      child,
      exited: new Promise<void>((resolve) => child.once('exit', () => resolve())),
      expectedExit: false,
    };
    this.running.set(name, running);
    child.stderr.pipe(log, { end: false });
    let ready = false;
    child.once('exit', (code, signal) => {
      if (!ready || running.expectedExit || this.stopping) return;
      this.running.delete(name);
      const exit = String(signal ?? code);
      log.write(`--- exited on its own (${exit}) at ${new Date().toISOString()}; restarting\n`);
      this.supervisorRestarts.push({ name, at: new Date().toISOString(), exit });
      void this.restartAfterCrash(name);
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name} was not ready within ${READY_TIMEOUT_MS} ms`)),
        READY_TIMEOUT_MS,
      );
      createInterface({ input: child.stdout }).on('line', (line) => {
        log.write(`${line}\n`);
        if (!ready && line.includes(readyLine)) {
          ready = true;
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (ready) return;
        this.running.delete(name);
        reject(
          new Error(`${name} exited (${signal ?? code}) before it was ready; see ${this.logFile(name)}`),
        );
      });
    });
  }

  /** Keeps trying, as a supervisor would: the dependency that killed it may still be down. */
  private async restartAfterCrash(name: ProcessName): Promise<void> {
    while (!this.stopping) {
      await sleep(SUPERVISOR_RESTART_DELAY_MS);
      if (this.stopping || this.running.has(name) || this.starting.has(name)) return;
      try {
        await this.start(name);
        return;
      } catch (err) {
        this.logs
          .get(name)
          ?.write(`--- restart failed: ${err instanceof Error ? err.message : String(err)}\n`);
      }
    }
  }

  /** SIGKILL, as a crashed machine or an OOM kill would end it: no drain, no goodbye to the server. */
  async kill(name: ProcessName): Promise<void> {
    // One that died on its own is being started again by the supervisor: kill the new one.
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!this.running.has(name) && !this.stopping && Date.now() < deadline) await sleep(200);
    await this.starting.get(name)?.catch(() => undefined);
    const running = this.running.get(name);
    if (!running) throw new Error(`no ${name} process to kill`);
    running.expectedExit = true;
    running.child.kill('SIGKILL');
    await running.exited;
    this.running.delete(name);
    this.logs.get(name)?.write(`--- SIGKILL at ${new Date().toISOString()}\n`);
  }

  /** SIGTERM to every process (workers drain their tasks), SIGKILL whatever is still there after a grace period. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled(this.starting.values());
    const processes = [...this.running.values()];
    for (const running of processes) {
      running.expectedExit = true;
      running.child.kill('SIGTERM');
    }
    const timer = setTimeout(() => {
      for (const { child } of processes) child.kill('SIGKILL');
    }, STOP_GRACE_MS);
    await Promise.all(processes.map(({ exited }) => exited));
    clearTimeout(timer);
    this.running.clear();
    await Promise.all(
      [...this.logs.values()].map((log) => new Promise<void>((resolve) => log.end(() => resolve()))),
    );
    this.logs.clear();
  }
}
