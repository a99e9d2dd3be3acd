import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * Who used the CPU during a phase, read from /proc (Linux): the Temporal dev server, Postgres, stripe-mock,
 * Redis, this process (workers, API or gateway, load generator) and everything else on the machine. It is
 * how a summary can say what limited a run instead of guessing.
 */
export interface CpuShare {
  /** Percent of one core, averaged over the phase (200 = two cores busy). */
  temporalServer: number;
  postgres: number;
  stripeMock: number;
  redis: number;
  benchProcess: number;
  /** Of which this process's main thread: the JavaScript event loop (servers, workflow and activity code). */
  benchMainThread: number;
  /** Everything else that ran on the machine meanwhile (other services, other people's tests). */
  other: number;
  /** Idle capacity left, in percent of one core. */
  idle: number;
  cores: number;
}

const CLOCK_TICKS_PER_SECOND = 100;

type ProcessGroup = Exclude<keyof CpuShare, 'other' | 'idle' | 'cores' | 'benchProcess' | 'benchMainThread'>;

function groupOf(command: string): ProcessGroup | undefined {
  if (/\btemporal\b.*\bserver start-dev\b/.test(command)) return 'temporalServer';
  if (/^postgres[: ]|\/postgres\b/.test(command)) return 'postgres';
  if (/stripe-mock/.test(command)) return 'stripeMock';
  if (/^redis-server\b|\/redis-server\b/.test(command)) return 'redis';
  return undefined;
}

/** CPU seconds (user + system) a process has used so far, or undefined if it is gone. */
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

interface Snapshot {
  at: number;
  groups: Map<number, { group: ProcessGroup; ticks: number }>;
  self: NodeJS.CpuUsage;
  mainThread: NodeJS.CpuUsage;
  machine: { busy: number; total: number };
}

function snapshot(): Snapshot {
  const listing = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  const groups = new Map<number, { group: ProcessGroup; ticks: number }>();
  for (const line of listing.split('\n')) {
    const match = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const group = groupOf(match[2]!);
    const pid = Number(match[1]);
    const ticks = group && processCpuTicks(pid);
    if (group && ticks !== undefined) groups.set(pid, { group, ticks });
  }
  return {
    at: Date.now(),
    groups,
    self: process.cpuUsage(),
    mainThread: process.threadCpuUsage(),
    machine: machineTicks(),
  };
}

/** Starts measuring; the returned function ends the phase and gives each party's share. */
export function measureCpu(): () => CpuShare {
  const start = snapshot();
  return () => {
    const end = snapshot();
    const seconds = (end.at - start.at) / 1000;
    const percentOfCore = (ticks: number) =>
      Number(((ticks / CLOCK_TICKS_PER_SECOND / seconds) * 100).toFixed(1));
    const byGroup: Record<ProcessGroup, number> = { temporalServer: 0, postgres: 0, stripeMock: 0, redis: 0 };
    for (const [pid, { group, ticks }] of end.groups) {
      // A process started during the phase (a new Postgres backend) counts from zero.
      byGroup[group] += ticks - (start.groups.get(pid)?.ticks ?? 0);
    }
    const selfMicros = end.self.user - start.self.user + end.self.system - start.self.system;
    const selfTicks = (selfMicros / 1e6) * CLOCK_TICKS_PER_SECOND;
    const mainMicros =
      end.mainThread.user - start.mainThread.user + end.mainThread.system - start.mainThread.system;
    const machineBusy = end.machine.busy - start.machine.busy;
    const machineTotal = end.machine.total - start.machine.total;
    const cores = os.availableParallelism();
    const known = Object.values(byGroup).reduce((sum, ticks) => sum + ticks, 0) + selfTicks;
    // /proc/stat counts ticks across all cores; scale to "ticks of one core" like the per-process figures.
    const busyOneCore = (machineBusy / machineTotal) * cores * CLOCK_TICKS_PER_SECOND * seconds;
    return {
      temporalServer: percentOfCore(byGroup.temporalServer),
      postgres: percentOfCore(byGroup.postgres),
      stripeMock: percentOfCore(byGroup.stripeMock),
      redis: percentOfCore(byGroup.redis),
      benchProcess: percentOfCore(selfTicks),
      benchMainThread: percentOfCore((mainMicros / 1e6) * CLOCK_TICKS_PER_SECOND),
      other: percentOfCore(Math.max(0, busyOneCore - known)),
      idle: percentOfCore(Math.max(0, cores * CLOCK_TICKS_PER_SECOND * seconds - busyOneCore)),
      cores,
    };
  };
}
