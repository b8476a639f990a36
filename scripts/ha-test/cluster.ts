/**
 * Three wxbridge instances on loopback ports behind haproxy, and the faults of the run: one instance
 * SIGKILLed (and started again later), another restarted gracefully (SIGTERM, drain, start).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findFreePort } from '../../src/db/postmaster.ts';
import { haproxyConfig } from './haproxy-config.ts';
import { startHaproxy, startInstance, stop, type RunningProcess } from './processes.ts';

export const INSTANCE_NAMES = ['w1', 'w2', 'w3'] as const;

export interface Cluster {
  readonly balancerUrl: string;
  readonly haproxy: RunningProcess;
  /** The current process of each instance (replaced when restarted). */
  readonly instances: Map<string, RunningProcess>;
  readonly ports: ReadonlyMap<string, number>;
  readonly env: Readonly<Record<string, string>>;
  readonly logDir: string;
}

export async function startCluster(env: Readonly<Record<string, string>>, logDir: string): Promise<Cluster> {
  const ports = new Map<string, number>();
  for (const name of INSTANCE_NAMES) ports.set(name, await findFreePort());
  // All three at once, as a fresh deployment starts its pods: they race to create the signing keys.
  const started = await Promise.all(INSTANCE_NAMES.map((name) => startInstance(name, ports.get(name) ?? 0, env, logDir)));
  const instances = new Map(started.map((instance) => [instance.name, instance]));
  const listenPort = await findFreePort();
  const configFile = join(logDir, 'haproxy.cfg');
  writeFileSync(configFile, haproxyConfig({ listenPort, servers: INSTANCE_NAMES.map((name) => ({ name, port: ports.get(name) ?? 0 })) }));
  const haproxy = startHaproxy(configFile, logDir);
  const cluster = { balancerUrl: `http://127.0.0.1:${String(listenPort)}`, haproxy, instances, ports, env, logDir };
  await waitUntilBalanced(cluster);
  return cluster;
}

/** Until the balancer routes to every instance: 3 × instances /readyz answers of 200 in a row, round robin. */
export async function waitUntilBalanced(cluster: Cluster, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let streak = 0; streak < 3 * INSTANCE_NAMES.length;) {
    if (Date.now() > deadline) throw new Error('the balancer did not route to every instance in time');
    const status = await fetch(`${cluster.balancerUrl}/readyz`, { headers: { connection: 'close' } }).then((r) => r.status, () => 0);
    streak = status === 200 ? streak + 1 : 0;
    if (status !== 200) await sleep(200);
  }
  // haproxy marks a restarted server up after `rise 2` checks at `inter 1s`.
  await sleep(2500);
}

export interface FaultEvent { readonly at: number; readonly what: string }

/** The run's faults at 30 %, 50 % and 70 % of `durationMs`, recorded with their times (s since `start`). */
export async function injectFaults(cluster: Cluster, start: number, durationMs: number, signal: AbortSignal): Promise<FaultEvent[]> {
  const events: FaultEvent[] = [];
  const note = (what: string): void => { events.push({ at: (performance.now() - start) / 1000, what }); };
  const until = (fraction: number): Promise<void> => sleep(Math.max(0, start + durationMs * fraction - performance.now()), undefined, { signal }).catch(() => undefined);

  await until(0.3);
  const killed = instance(cluster, 'w1');
  killed.kill('SIGKILL');
  note(`SIGKILL w1 (exit: ${String(await killed.exited ?? 'signal')})`);

  await until(0.5);
  note('SIGTERM w2 (graceful restart)');
  const code = await stop(instance(cluster, 'w2'));
  note(`w2 exited ${String(code)}`);
  cluster.instances.set('w2', await startInstance('w2', cluster.ports.get('w2') ?? 0, cluster.env, cluster.logDir));
  note('w2 ready again');

  await until(0.7);
  cluster.instances.set('w1', await startInstance('w1', cluster.ports.get('w1') ?? 0, cluster.env, cluster.logDir));
  note('w1 started again, ready');
  return events;
}

function instance(cluster: Cluster, name: string): RunningProcess {
  const found = cluster.instances.get(name);
  if (found === undefined) throw new Error(`no instance ${name}`);
  return found;
}

export async function stopCluster(cluster: Cluster): Promise<void> {
  await Promise.all([...cluster.instances.values()].map((running) => stop(running)));
  await stop(cluster.haproxy, 5000);
}
