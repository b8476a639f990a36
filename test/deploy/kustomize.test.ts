import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../../src/config.ts';
import { configProblem, DEPLOY, isKnownVariable, PLACEHOLDER_SECRETS, redundantAllowances, ROOT, SECRET_VARIABLES } from './deployment-files.ts';
import { environmentOf, findKubectl, only, plainValues, podSpecOf, preStopSeconds, renderKustomize, workloadContainers, type K8sObject } from './k8s-objects.ts';

const kubectl = findKubectl();
const KUSTOMIZATIONS = [
  { name: 'base', dir: join(DEPLOY, 'k8s/base'), production: false },
  { name: 'production overlay', dir: join(DEPLOY, 'k8s/overlays/production'), production: true },
];
const DEFAULT_PORT = '3000';

const deploymentOf = (objects: readonly K8sObject[]): K8sObject => only(objects, 'Deployment');
const serverContainer = (objects: readonly K8sObject[]) => podSpecOf(deploymentOf(objects)).containers[0]!;
const serverEnvironment = (objects: readonly K8sObject[]) => environmentOf(serverContainer(objects), objects);

describe.skipIf(kubectl === undefined)('deploy/k8s, rendered offline by kubectl kustomize', () => {
  describe.each(KUSTOMIZATIONS)('$name', ({ dir, production }) => {
    let objects: K8sObject[] = [];
    beforeAll(() => { objects = renderKustomize(kubectl!, dir); });

    it('renders the Deployment, Service, PodDisruptionBudget, autoscaler, migrate Job and ConfigMap, and no Secret with data', () => {
      const kinds = objects.map((object) => object.kind);
      for (const kind of ['Deployment', 'Service', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'Job', 'ConfigMap']) expect(kinds).toContain(kind);
      for (const secret of objects.filter((object) => object.kind === 'Secret')) {
        expect({ name: secret.metadata.name, data: secret.data, stringData: secret.stringData }).toEqual({ name: secret.metadata.name, data: undefined, stringData: undefined });
      }
    });

    it('runs one wxbridge image in every container, pinned to a version in production', () => {
      const images = new Set(workloadContainers(objects).map(({ container }) => container.image));
      expect(images.size).toBe(1);
      const [image] = [...images];
      expect(image).toMatch(/^([\w.-]+(:\d+)?\/)*wxbridge:[\w.-]+$/);
      if (production) expect(image).not.toMatch(/:latest$/);
    });

    it('probes /healthz (startup, liveness) and /readyz (readiness) on the port wxbridge listens on', () => {
      const container = serverContainer(objects);
      const port = Number(serverEnvironment(objects).get('PORT')?.value ?? DEFAULT_PORT);
      const portOf = (probePort: string | number | undefined): number | undefined =>
        typeof probePort === 'number' ? probePort : container.ports?.find((candidate) => candidate.name === probePort)?.containerPort;
      expect(container.livenessProbe?.httpGet?.path).toBe('/healthz');
      expect(container.startupProbe?.httpGet?.path).toBe('/healthz');
      expect(container.readinessProbe?.httpGet?.path).toBe('/readyz');
      for (const probe of [container.livenessProbe, container.startupProbe, container.readinessProbe]) expect(portOf(probe?.httpGet?.port)).toBe(port);
    });

    it('sets CPU and memory requests and limits on every container', () => {
      for (const { owner, container } of workloadContainers(objects)) {
        const resources = container.resources;
        expect({ owner: owner.metadata.name, requests: Object.keys(resources?.requests ?? {}).sort(), limits: Object.keys(resources?.limits ?? {}).sort() })
          .toEqual({ owner: owner.metadata.name, requests: ['cpu', 'memory'], limits: ['cpu', 'memory'] });
      }
    });

    it('takes every secret from a Secret reference, never from a value', () => {
      const server = serverEnvironment(objects);
      for (const name of SECRET_VARIABLES) expect(server.get(name)?.valueFrom?.secretKeyRef, name).toBeDefined();
      // A ConfigMap is not a place for a secret, even one an env entry would override.
      for (const configMap of objects.filter((object) => object.kind === 'ConfigMap')) {
        const keys = Object.keys(configMap.data ?? {});
        expect(keys.filter((key) => (SECRET_VARIABLES as readonly string[]).includes(key)), configMap.metadata.name).toEqual([]);
        for (const [key, value] of Object.entries(configMap.data ?? {})) expect(value, key).not.toMatch(/:\/\/[^/@\s]*:[^/@\s]+@/);
      }
      for (const { container } of workloadContainers(objects)) {
        for (const variable of environmentOf(container, objects).values()) {
          if ((SECRET_VARIABLES as readonly string[]).includes(variable.name)) expect(variable.value, variable.name).toBeUndefined();
          // No credentials in any plain value (user:password@ in a URL).
          expect(variable.value ?? '', variable.name).not.toMatch(/:\/\/[^/@\s]*:[^/@\s]+@/);
        }
      }
    });

    it('sets only environment variables the config schema knows (and the listed metrics/OpenTelemetry ones)', () => {
      for (const { container } of workloadContainers(objects)) {
        const unknown = [...environmentOf(container, objects).keys()].filter((name) => !isKnownVariable(name));
        expect(unknown, container.name).toEqual([]);
      }
    });

    it('lets the preStop pause and the shutdown drain finish within terminationGracePeriodSeconds', () => {
      const spec = podSpecOf(deploymentOf(objects));
      const drainSeconds = Number(serverEnvironment(objects).get('WXBRIDGE_SHUTDOWN_TIMEOUT_MS')?.value ?? '10000') / 1000;
      // The process still closes its pool and exits after the drain: keep at least 2 s for that.
      expect(preStopSeconds(serverContainer(objects)) + drainSeconds + 2).toBeLessThanOrEqual(spec.terminationGracePeriodSeconds ?? 30);
    });

    it('runs as non-root with a read-only root filesystem and no privilege escalation', () => {
      for (const { owner, container } of workloadContainers(objects)) {
        const pod = podSpecOf(owner);
        expect(pod.securityContext?.runAsNonRoot).toBe(true);
        expect(pod.securityContext?.runAsUser).toBeGreaterThan(0);
        expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
        // Kubernetes would otherwise add WXBRIDGE_SERVICE_HOST & co. for the Service named wxbridge.
        expect(pod.enableServiceLinks).toBe(false);
      }
    });

    it('announces the metrics port to Prometheus on the pods and never serves it through the Service', () => {
      const metricsPort = Number(serverEnvironment(objects).get('WXBRIDGE_METRICS_PORT')?.value);
      const container = serverContainer(objects);
      expect(container.ports?.find((port) => port.name === 'metrics')?.containerPort).toBe(metricsPort);
      expect(deploymentOf(objects).spec?.template?.metadata?.annotations).toMatchObject({
        'prometheus.io/scrape': 'true', 'prometheus.io/port': String(metricsPort), 'prometheus.io/path': '/metrics',
      });
      const service = only(objects, 'Service');
      expect(service.spec?.ports?.map((port) => port.targetPort)).toEqual(['http']);
    });

    it('points the Service, budget and autoscaler at the Deployment, which leaves its replica count to the autoscaler', () => {
      const deployment = deploymentOf(objects);
      const podLabels = deployment.spec?.template?.metadata?.labels ?? {};
      expect(podLabels).toMatchObject(only(objects, 'Service').spec?.selector ?? { missing: 'selector' });
      const budget = only(objects, 'PodDisruptionBudget');
      expect(podLabels).toMatchObject(budget.spec?.selector?.matchLabels ?? { missing: 'selector' });
      const autoscaler = only(objects, 'HorizontalPodAutoscaler');
      expect(autoscaler.spec?.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: deployment.metadata.name });
      expect(deployment.spec?.replicas).toBeUndefined();
      expect(autoscaler.spec?.minReplicas).toBeGreaterThanOrEqual(3);
      expect(autoscaler.spec?.minReplicas).toBeGreaterThan(budget.spec?.maxUnavailable ?? Number.POSITIVE_INFINITY);
    });

    it('runs `wxbridge migrate` from the image in the Job', () => {
      const job = only(objects, 'Job');
      const command = podSpecOf(job).containers[0]?.command ?? [];
      expect(command).toEqual(['node', 'src/cli.ts', 'migrate']);
      expect(existsSync(join(ROOT, command[1] ?? 'missing'))).toBe(true);
    });

    it(production ? 'starts wxbridge in production once the Secret supplies the secrets' : 'refuses to start until an overlay sets the https issuer', () => {
      const environment = { ...plainValues(serverEnvironment(objects)), ...PLACEHOLDER_SECRETS };
      if (production) {
        expect(configProblem(environment)).toBeUndefined();
        expect(environment['WXBRIDGE_ISSUER']).toMatch(/^https:\/\//);
      } else {
        expect(configProblem(environment)).toMatch(/WXBRIDGE_ISSUER: required in production/);
      }
    });
  });
});

it.skipIf(kubectl !== undefined)('deploy/k8s is not rendered: kubectl is not installed (apt-get install kubernetes-client)', () => {
  expect(kubectl).toBeUndefined();
});

describe('the deployment variables allow-list', () => {
  it('names no variable the config schema already reads', () => {
    expect(CONFIG_VARIABLES.length).toBeGreaterThan(0);
    expect(redundantAllowances()).toEqual([]);
  });
});
