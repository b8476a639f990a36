/**
 * What the kernel says about a process (Linux /proc): peak resident memory (VmHWM, resettable per
 * phase through clear_refs), CPU time, and the children of a process (cluster workers, PostgreSQL
 * backends). Each reader returns undefined for a process that is gone.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Fields of /proc/<pid>/stat after the command name (which may contain spaces). */
function statFields(pid: number): string[] | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** Peak resident set size in MiB since start or the last resetPeakRss(). */
export function peakRssMiB(pid: number): number | undefined {
  const match = /VmHWM:\s+(\d+) kB/.exec(read(`/proc/${pid}/status`) ?? '');
  return match === null ? undefined : Number(match[1]) / 1024;
}

/**
 * Anonymous resident memory in MiB now (RssAnon: V8's heap, compiled code, WebAssembly, malloc): what
 * this process holds by itself. The rest of its RSS is file pages — ≈ 58 MiB of the node binary's code,
 * ICU data and type stripper, shared by every wxbridge process on the machine and reclaimable (issue 16).
 */
export function anonRssMiB(pid: number): number | undefined {
  const match = /RssAnon:\s+(\d+) kB/.exec(read(`/proc/${pid}/status`) ?? '');
  return match === null ? undefined : Number(match[1]) / 1024;
}

/** Resets VmHWM to the current RSS (clear_refs "5"); false when the kernel refuses. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** User + system CPU seconds the process has used. */
export function cpuSeconds(pid: number): number | undefined {
  const fields = statFields(pid);
  if (fields === undefined) return undefined;
  // After the command: state(0) ppid(1) … utime(11) stime(12)
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** CPU seconds of the children `pid` has already reaped (e.g. PostgreSQL backends that ended). */
export function reapedChildrenCpuSeconds(pid: number): number | undefined {
  const fields = statFields(pid);
  if (fields === undefined) return undefined;
  return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS_PER_SECOND;
}

/** CPU seconds of a process tree one level deep: the process, its live children, and its reaped children. */
export function treeCpuSeconds(pid: number): number {
  return (cpuSeconds(pid) ?? 0) + (reapedChildrenCpuSeconds(pid) ?? 0) + totalCpuSeconds(childPids(pid));
}

/** The pids whose parent is `pid`. */
export function childPids(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields !== undefined && Number(fields[1]) === pid) children.push(Number(entry));
  }
  return children;
}

/** CPU seconds the whole machine has been busy (every CPU: user, nice, system, irq, softirq, steal). */
export function machineBusySeconds(): number {
  const fields = (read('/proc/stat') ?? '').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS_PER_SECOND;
}

/** CPU seconds of a set of processes, summed (gone processes count 0). */
export function totalCpuSeconds(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + (cpuSeconds(pid) ?? 0), 0);
}
