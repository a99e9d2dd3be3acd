import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * Who used the CPU during a phase, read from /proc (Linux): the Temporal dev server, Postgres, stripe-mock,
 * Redis, this process (API or gateway, load generator, in-process workers), the benchmark's own child
 * processes (worker pools) and everything else on the machine. It is how a summary can say what limited a
 * run instead of guessing.
 */
export interface CpuShare {
  /** Percent of one core, averaged over the phase (200 = two cores busy). */
  temporalServer: number;
  postgres: number;
  stripeMock: number;
  redis: number;
  benchProcess: number;
  /** Of which this process's main thread: the JavaScript event loop (servers, load generator, activities). */
  benchMainThread: number;
  /** The benchmark's child processes by group (e.g. "booking workers"), each with its descendants. */
  children: Record<string, number>;
  /** Everything else that ran on the machine meanwhile (other services, other people's tests). */
  other: number;
  /** Idle capacity left, in percent of one core. */
  idle: number;
  cores: number;
}

/** Named groups of this benchmark's child processes, by pid. */
export type ChildGroups = Record<string, readonly number[]>;

const CLOCK_TICKS_PER_SECOND = 100;

type ServerGroup = 'temporalServer' | 'postgres' | 'stripeMock' | 'redis';

function serverGroupOf(command: string): ServerGroup | undefined {
  if (/\btemporal\b.*\bserver start-dev\b/.test(command)) return 'temporalServer';
  if (/^postgres[: ]|\/postgres\b/.test(command)) return 'postgres';
  if (/stripe-mock/.test(command)) return 'stripeMock';
  if (/^redis-server\b|\/redis-server\b/.test(command)) return 'redis';
  return undefined;
}

/** CPU ticks (user + system) a process has used so far, or undefined if it is gone. */
function processCpuTicks(pid: number): number | undefined {
  try {
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th of those.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

function machineTicks(): { busy: number; total: number } {
  const [cpuLine] = readFileSync('/proc/stat', 'utf8').split('\n');
  const values = (cpuLine ?? '').trim().split(/\s+/).slice(1).map(Number);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  const total = values.reduce((sum, value) => sum + value, 0);
  return { busy: total - idle, total };
}

interface ProcessEntry {
  pid: number;
  parent: number;
  command: string;
}

function processList(): ProcessEntry[] {
  const listing = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' });
  return listing.split('\n').flatMap((line) => {
    const match = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    return match ? [{ pid: Number(match[1]), parent: Number(match[2]), command: match[3]! }] : [];
  });
}

/** The pids of `roots` and of everything they started (tsx's esbuild service, for one). */
function withDescendants(roots: readonly number[], processes: readonly ProcessEntry[]): Set<number> {
  const found = new Set(roots);
  let grew = true;
  while (grew) {
    grew = false;
    for (const { pid, parent } of processes) {
      if (found.has(parent) && !found.has(pid)) {
        found.add(pid);
        grew = true;
      }
    }
  }
  return found;
}

/** Ticks used so far per process, keyed by pid, with the group each counts towards. */
interface Snapshot {
  at: number;
  ticks: Map<number, { group: string; ticks: number }>;
  self: NodeJS.CpuUsage;
  mainThread: NodeJS.CpuUsage;
  machine: { busy: number; total: number };
}

const CHILD_GROUP = (name: string) => `child:${name}`;

function snapshot(children: ChildGroups): Snapshot {
  const processes = processList();
  const groupOfPid = new Map<number, string>();
  for (const { pid, command } of processes) {
    const group = serverGroupOf(command);
    if (group) groupOfPid.set(pid, group);
  }
  for (const [name, roots] of Object.entries(children)) {
    for (const pid of withDescendants(roots, processes)) groupOfPid.set(pid, CHILD_GROUP(name));
  }
  const ticks = new Map<number, { group: string; ticks: number }>();
  for (const [pid, group] of groupOfPid) {
    const used = processCpuTicks(pid);
    if (used !== undefined) ticks.set(pid, { group, ticks: used });
  }
  return {
    at: Date.now(),
    ticks,
    self: process.cpuUsage(),
    mainThread: process.threadCpuUsage(),
    machine: machineTicks(),
  };
}

/** Starts measuring; the returned function ends the phase and gives each party's share. */
export function measureCpu(children: ChildGroups = {}): () => CpuShare {
  const start = snapshot(children);
  return () => {
    const end = snapshot(children);
    const seconds = (end.at - start.at) / 1000;
    const percentOfCore = (ticks: number) =>
      Number(((ticks / CLOCK_TICKS_PER_SECOND / seconds) * 100).toFixed(1));
    const byGroup = new Map<string, number>();
    for (const [pid, { group, ticks }] of end.ticks) {
      // A process started during the phase (a new Postgres backend) counts from zero.
      byGroup.set(group, (byGroup.get(group) ?? 0) + ticks - (start.ticks.get(pid)?.ticks ?? 0));
    }
    const selfMicros = end.self.user - start.self.user + end.self.system - start.self.system;
    const selfTicks = (selfMicros / 1e6) * CLOCK_TICKS_PER_SECOND;
    const mainMicros =
      end.mainThread.user - start.mainThread.user + end.mainThread.system - start.mainThread.system;
    const machineBusy = end.machine.busy - start.machine.busy;
    const machineTotal = end.machine.total - start.machine.total;
    const cores = os.availableParallelism();
    const known = [...byGroup.values()].reduce((sum, ticks) => sum + ticks, 0) + selfTicks;
    // /proc/stat counts ticks across all cores; scale to "ticks of one core" like the per-process figures.
    const busyOneCore = (machineBusy / machineTotal) * cores * CLOCK_TICKS_PER_SECOND * seconds;
    const share = (group: string) => percentOfCore(byGroup.get(group) ?? 0);
    return {
      temporalServer: share('temporalServer'),
      postgres: share('postgres'),
      stripeMock: share('stripeMock'),
      redis: share('redis'),
      benchProcess: percentOfCore(selfTicks),
      benchMainThread: percentOfCore((mainMicros / 1e6) * CLOCK_TICKS_PER_SECOND),
      children: Object.fromEntries(Object.keys(children).map((name) => [name, share(CHILD_GROUP(name))])),
      other: percentOfCore(Math.max(0, busyOneCore - known)),
      idle: percentOfCore(Math.max(0, cores * CLOCK_TICKS_PER_SECOND * seconds - busyOneCore)),
      cores,
    };
  };
}
