/**
 * The Kubernetes objects deploy/k8s renders to, as far as the tests read them, and `kubectl kustomize`
 * run offline (kubectl from Debian's kubernetes-client; .ci/run installs it).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly secretKeyRef?: { readonly name: string; readonly key: string }; readonly configMapKeyRef?: unknown };
}
export interface HttpProbe { readonly httpGet?: { readonly path: string; readonly port: string | number } }
export interface Container {
  readonly name: string;
  readonly image?: string;
  readonly command?: readonly string[];
  readonly ports?: readonly { readonly name?: string; readonly containerPort: number }[];
  readonly env?: readonly EnvVar[];
  readonly envFrom?: readonly { readonly configMapRef?: { readonly name: string }; readonly secretRef?: { readonly name: string } }[];
  readonly livenessProbe?: HttpProbe;
  readonly readinessProbe?: HttpProbe;
  readonly startupProbe?: HttpProbe;
  readonly lifecycle?: { readonly preStop?: { readonly exec?: { readonly command: readonly string[] }; readonly sleep?: { readonly seconds: number } } };
  readonly resources?: { readonly requests?: Record<string, string>; readonly limits?: Record<string, string> };
  readonly securityContext?: { readonly readOnlyRootFilesystem?: boolean; readonly allowPrivilegeEscalation?: boolean; readonly runAsNonRoot?: boolean };
}
export interface PodSpec {
  readonly containers: readonly Container[];
  readonly initContainers?: readonly Container[];
  readonly terminationGracePeriodSeconds?: number;
  readonly enableServiceLinks?: boolean;
  readonly securityContext?: { readonly runAsNonRoot?: boolean; readonly runAsUser?: number };
}
export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string> };
  readonly data?: Record<string, string>;
  readonly stringData?: Record<string, string>;
  readonly spec?: {
    readonly replicas?: number;
    readonly selector?: { readonly matchLabels?: Record<string, string> } & Record<string, string>;
    readonly template?: { readonly metadata?: { readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> }; readonly spec: PodSpec };
    readonly ports?: readonly { readonly name?: string; readonly port: number; readonly targetPort?: string | number }[];
    readonly minReplicas?: number;
    readonly maxReplicas?: number;
    readonly maxUnavailable?: number;
    readonly scaleTargetRef?: { readonly kind: string; readonly name: string };
  };
}

/** kubectl on PATH, if installed. */
export function findKubectl(): string | undefined {
  return (process.env['PATH'] ?? '').split(delimiter).map((dir) => join(dir, 'kubectl')).find((file) => existsSync(file));
}

/** `kubectl kustomize <dir>`: renders the kustomization offline and parses every document. */
export function renderKustomize(kubectl: string, dir: string): K8sObject[] {
  const yaml = execFileSync(kubectl, ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
  return parseAllDocuments(yaml).map((document) => {
    if (document.errors.length > 0) throw new Error(`kubectl kustomize ${dir}: ${document.errors.map(String).join('; ')}`);
    return document.toJS() as K8sObject;
  });
}

export function only(objects: readonly K8sObject[], kind: string): K8sObject {
  const found = objects.filter((object) => object.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${String(found.length)}`);
  return found[0]!;
}

export function podSpecOf(object: K8sObject): PodSpec {
  const spec = object.spec?.template?.spec;
  if (spec === undefined) throw new Error(`${object.kind}/${object.metadata.name} has no pod template`);
  return spec;
}

/** Every container of every workload (Deployment, Job, …), with the object it belongs to. */
export function workloadContainers(objects: readonly K8sObject[]): { owner: K8sObject; container: Container }[] {
  return objects.filter((object) => object.spec?.template !== undefined).flatMap((owner) => {
    const spec = podSpecOf(owner);
    return [...spec.containers, ...(spec.initContainers ?? [])].map((container) => ({ owner, container }));
  });
}

/** The environment a container sees: its ConfigMaps' data (envFrom), then its own env entries (name → value or secret reference). */
export function environmentOf(container: Container, objects: readonly K8sObject[]): Map<string, EnvVar> {
  const environment = new Map<string, EnvVar>();
  for (const source of container.envFrom ?? []) {
    const name = source.configMapRef?.name;
    if (name === undefined) throw new Error(`${container.name}: envFrom other than a ConfigMap (${JSON.stringify(source)})`);
    const configMap = objects.find((object) => object.kind === 'ConfigMap' && object.metadata.name === name);
    if (configMap === undefined) throw new Error(`${container.name}: ConfigMap ${name} is not rendered`);
    for (const [key, value] of Object.entries(configMap.data ?? {})) environment.set(key, { name: key, value });
  }
  for (const variable of container.env ?? []) environment.set(variable.name, variable);
  return environment;
}

/** Plain values only (secret references left out), for loadConfig. */
export function plainValues(environment: ReadonlyMap<string, EnvVar>): Record<string, string> {
  return Object.fromEntries([...environment.values()].flatMap((variable) => (variable.value === undefined ? [] : [[variable.name, variable.value]])));
}

/** Seconds a preStop hook holds the container before SIGTERM (exec `sleep N` or the native sleep action). */
export function preStopSeconds(container: Container): number {
  const preStop = container.lifecycle?.preStop;
  if (preStop?.sleep !== undefined) return preStop.sleep.seconds;
  const command = preStop?.exec?.command ?? [];
  if (command.length === 2 && command[0] === 'sleep') return Number(command[1]);
  throw new Error(`${container.name}: preStop is not a plain sleep (${JSON.stringify(preStop)})`);
}
