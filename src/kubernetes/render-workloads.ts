import { createHash } from 'crypto';
import type { Deployment, StatefulSet } from 'kubernetes-types/apps/v1';
import type {
  ConfigMap, Container, EnvVar, PersistentVolumeClaim, PersistentVolumeClaimSpec, PodSpec, Probe, Service, Volume, VolumeMount,
} from 'kubernetes-types/core/v1';
import {
  CONFIG_DIGEST_ANNOTATION, K8S_SECRET, meta, NETBOX_ENV_CONFIGMAP, NETBOX_EXTRA_CONFIGMAP, podLabels, PodRole, selectorLabels,
} from './k8s-names';
import { K8sManifest, manifest } from './k8s-objects';
import type { ComposeObject } from '../compose/render-compose';
import { renderPostgresEnv } from '../compose/render-compose';
import type { StackModel } from '../model/deployment-model';
import { NETBOX_DB, NETBOX_EXTRA_CONFIG_NAME, NETBOX_PORT, SERVICES, VOLUMES } from '../model/stack-names';
import { NETBOX_EXTRA_CONFIG_MOUNT, netboxSettings, renderNetboxExtraConfig } from '../netbox/netbox-settings';
import { clusterImage } from '../plugins/plugin-image';

export const POSTGRES_PORT = 5432;
export const REDIS_PORT = 6379;
/** The claim template of the Postgres StatefulSet (the guard compares it with the one on disk). */
export const POSTGRES_CLAIM = 'data';

/**
 * A container's environment, taken from the compose service the container mirrors: `${NAME:?...}`
 * becomes a reference to key NAME of the generated Secret, anything else stays a literal. So the
 * Kubernetes pods get exactly the variables and secrets Compose gives its containers.
 */
export function containerEnv(service: ComposeObject | undefined): EnvVar[] {
  const environment: Record<string, unknown> = service?.environment ?? {};
  return Object.keys(environment).sort().map((name) => {
    const value = String(environment[name]);
    const secret = /^\$\{([A-Za-z_][A-Za-z0-9_]*):\?[^}]*\}$/.exec(value);
    if (secret) return { name, valueFrom: { secretKeyRef: { name: K8S_SECRET, key: secret[1] } } };
    return { name, value: unescapeCompose(value) };
  });
}

/** Compose writes a literal `$` as `$$`; the container's shell expects one. */
function unescapeCompose(value: string): string {
  return value.replace(/\$\$/g, '$');
}

/** A compose service's command, unescaped for a container. */
function commandOf(service: ComposeObject | undefined): string[] | undefined {
  const command = service?.command;
  return Array.isArray(command) ? command.map((c: unknown) => unescapeCompose(String(c))) : undefined;
}

/** A short digest of the configuration a pod reads: changing the configuration changes the pod template. */
export function configDigest(...parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

/** A pod spec every workload shares: no service-account token (nothing here talks to the API server). */
function podSpec(containers: Container[], extra: Partial<PodSpec> = {}): PodSpec {
  return { automountServiceAccountToken: false, containers, ...extra };
}

function deployment(model: StackModel, name: string, role: PodRole, replicas: number, spec: PodSpec, options: {
  recreate?: boolean; digest?: string;
} = {}): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(model, name, podLabels(model, name, role)),
    spec: {
      replicas,
      selector: { matchLabels: selectorLabels(name) },
      // ReadWriteOnce volumes: the old pod must let go of the volume before the new one mounts it.
      ...(options.recreate ? { strategy: { type: 'Recreate' } } : {}),
      template: {
        metadata: {
          labels: podLabels(model, name, role),
          ...(options.digest ? { annotations: { [CONFIG_DIGEST_ANNOTATION]: options.digest } } : {}),
        },
        spec,
      },
    },
  };
}

export function clusterIpService(model: StackModel, name: string, role: PodRole, port: number, portName: string): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(model, name, podLabels(model, name, role)),
    spec: { type: 'ClusterIP', selector: selectorLabels(name), ports: [{ name: portName, port, targetPort: portName, protocol: 'TCP' }] },
  };
}

/** The NetBox file volumes this release mounts, with their claims' names and sizes. */
function netboxFileVolumes(model: StackModel): Array<{ claim: string; mount: string; size: string }> {
  const { sizes } = model.kubernetes;
  return [
    { claim: VOLUMES.media.name, mount: VOLUMES.media.mount, size: sizes.media },
    ...(model.netbox.release.reportsAndScriptsVolumes
      ? [{ claim: VOLUMES.reports.name, mount: VOLUMES.reports.mount, size: sizes.scripts },
        { claim: VOLUMES.scripts.name, mount: VOLUMES.scripts.mount, size: sizes.scripts }]
      : []),
  ];
}

function claimSpec(storageClass: string | undefined, accessMode: string, size: string): PersistentVolumeClaimSpec {
  return {
    accessModes: [accessMode],
    ...(storageClass ? { storageClassName: storageClass } : {}),
    resources: { requests: { storage: size } },
  };
}

/**
 * NetBox: the environment ConfigMap, the file claims, the web Deployment and Service, the worker
 * and (on releases that have it) the housekeeping Deployment. Each container mirrors its compose
 * service (image, command, environment).
 */
export function renderNetbox(model: StackModel, compose: ComposeObject): K8sManifest[] {
  const k = model.kubernetes;
  const rwx = k.readWriteManyStorageClass !== undefined;
  const settings = netboxSettings(model);
  const extraConfig = renderNetboxExtraConfig(model);
  const files = netboxFileVolumes(model);
  const envConfig: ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(model, NETBOX_ENV_CONFIGMAP), data: sortedRecord(settings.env) };
  const extraConfigMap: ConfigMap | undefined = extraConfig && {
    apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(model, NETBOX_EXTRA_CONFIGMAP), data: { [NETBOX_EXTRA_CONFIG_NAME]: `${extraConfig.join('\n')}\n` },
  };
  const claims: PersistentVolumeClaim[] = files.map((f) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: meta(model, f.claim),
    spec: claimSpec(rwx ? k.readWriteManyStorageClass : k.storageClass, rwx ? 'ReadWriteMany' : 'ReadWriteOnce', f.size),
  }));
  const volumes: Volume[] = [
    ...files.map((f) => ({ name: f.claim, persistentVolumeClaim: { claimName: f.claim } })),
    ...(extraConfigMap ? [{ name: NETBOX_EXTRA_CONFIGMAP, configMap: { name: NETBOX_EXTRA_CONFIGMAP } }] : []),
  ];
  const mounts: VolumeMount[] = [
    ...files.map((f) => ({ name: f.claim, mountPath: f.mount })),
    ...(extraConfigMap
      ? [{ name: NETBOX_EXTRA_CONFIGMAP, mountPath: NETBOX_EXTRA_CONFIG_MOUNT, subPath: NETBOX_EXTRA_CONFIG_NAME, readOnly: true }]
      : []),
  ];
  const digest = configDigest(envConfig.data, extraConfigMap?.data);
  const container = (name: string, extra: Partial<Container>): Container => ({
    name,
    // The cluster pulls the pushed image with plugins (kubernetesOptions.pluginImageRepository).
    image: clusterImage(model, compose.services[name].image, 'kubernetes'),
    ...(commandOf(compose.services[name]) ? { command: commandOf(compose.services[name]) } : {}),
    envFrom: [{ configMapRef: { name: NETBOX_ENV_CONFIGMAP } }],
    env: containerEnv(compose.services[name]),
    volumeMounts: mounts,
    ...extra,
  });
  // With ReadWriteOnce claims the worker and housekeeping must run where the web pod mounted them.
  const besideWeb: Partial<PodSpec> = rwx ? {} : {
    affinity: {
      podAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: selectorLabels(SERVICES.netbox) }, topologyKey: 'kubernetes.io/hostname' }],
      },
    },
  };
  // netbox-docker's ALLOWED_HOSTS has localhost for its own healthcheck; the kubelet would send the pod IP.
  const loginProbe = (extra: Partial<Probe>): Probe => ({
    httpGet: { path: '/login/', port: 'http', httpHeaders: [{ name: 'Host', value: 'localhost' }] }, periodSeconds: 15, timeoutSeconds: 3, ...extra,
  });
  const web = deployment(model, SERVICES.netbox, PodRole.NETBOX, k.replicas.netbox, podSpec([container(SERVICES.netbox, {
    ports: [{ name: 'http', containerPort: NETBOX_PORT, protocol: 'TCP' }],
    // The first start runs every migration: up to 20 minutes before the liveness rules apply.
    startupProbe: loginProbe({ failureThreshold: 80 }),
    readinessProbe: loginProbe({}),
  })], { volumes }), { recreate: !rwx, digest });
  const workers = [SERVICES.worker, ...(compose.services[SERVICES.housekeeping] ? [SERVICES.housekeeping] : [])].map((name) =>
    deployment(model, name, PodRole.NETBOX, name === SERVICES.worker ? k.replicas.worker : 1,
      podSpec([container(name, {})], { volumes, ...besideWeb }), { recreate: !rwx, digest }));
  return [
    manifest('netbox', envConfig),
    ...(extraConfigMap ? [manifest('netbox', extraConfigMap)] : []),
    ...claims.map((c) => manifest('netbox', c)),
    manifest('netbox', web),
    manifest('netbox', clusterIpService(model, SERVICES.netbox, PodRole.NETBOX, NETBOX_PORT, 'http')),
    ...workers.map((w) => manifest('netbox', w)),
  ];
}

/** A StatefulSet with one claim template, for the data services. */
function statefulSet(model: StackModel, name: string, container: Container, claim: { name: string; size: string }): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: meta(model, name, podLabels(model, name, PodRole.DATA)),
    spec: {
      serviceName: name,
      replicas: 1,
      selector: { matchLabels: selectorLabels(name) },
      template: { metadata: { labels: podLabels(model, name, PodRole.DATA) }, spec: podSpec([container]) },
      volumeClaimTemplates: [{ metadata: { name: claim.name }, spec: claimSpec(model.kubernetes.storageClass, 'ReadWriteOnce', claim.size) }],
    },
  };
}

/** Postgres: a StatefulSet on the release's image and data path, and its Service. */
export function renderPostgres(model: StackModel, compose: ComposeObject): K8sManifest[] {
  const service = compose.services[SERVICES.postgres];
  const env = [...Object.entries(renderPostgresEnv()).map(([name, value]) => ({ name, value })), ...containerEnv(service)];
  const set = statefulSet(model, SERVICES.postgres, {
    name: SERVICES.postgres,
    image: service.image,
    env,
    ports: [{ name: 'postgres', containerPort: POSTGRES_PORT, protocol: 'TCP' }],
    // A fresh volume's root holds lost+found, which initdb refuses: the data lives in a subdirectory.
    volumeMounts: [{ name: POSTGRES_CLAIM, mountPath: model.netbox.release.postgresDataPath, subPath: 'pgdata' }],
    readinessProbe: { exec: { command: ['pg_isready', '-q', '-t', '2', '-d', NETBOX_DB, '-U', NETBOX_DB] }, periodSeconds: 10, timeoutSeconds: 5 },
  }, { name: POSTGRES_CLAIM, size: model.kubernetes.sizes.postgres });
  return [manifest('postgres', set), manifest('postgres', clusterIpService(model, SERVICES.postgres, PodRole.DATA, POSTGRES_PORT, 'postgres'))];
}

/** Both Redis/Valkey instances (tasks and cache), each a StatefulSet with its Service. */
export function renderRedis(model: StackModel, compose: ComposeObject): K8sManifest[] {
  return [SERVICES.redis, SERVICES.redisCache].flatMap((name) => {
    const service = compose.services[name];
    const set = statefulSet(model, name, {
      name,
      image: service.image,
      command: commandOf(service),
      env: containerEnv(service),
      ports: [{ name: 'redis', containerPort: REDIS_PORT, protocol: 'TCP' }],
      volumeMounts: [{ name: 'data', mountPath: VOLUMES.redis.mount }],
      readinessProbe: { tcpSocket: { port: 'redis' }, periodSeconds: 5 },
    }, { name: 'data', size: model.kubernetes.sizes.redis });
    return [manifest('redis', set), manifest('redis', clusterIpService(model, name, PodRole.DATA, REDIS_PORT, 'redis'))];
  });
}

/** Each protected app: its environment ConfigMap (if any), Deployment and Service. */
export function renderApps(model: StackModel, compose: ComposeObject): K8sManifest[] {
  return model.apps.flatMap((app) => {
    const configName = `${app.name}-env`;
    const hasEnv = Object.keys(app.environment).length > 0;
    const config: ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(model, configName), data: sortedRecord(app.environment) };
    const env = containerEnv(compose.services[app.name]);
    const container: Container = {
      name: app.name,
      image: compose.services[app.name]?.image ?? app.image,
      ...(hasEnv ? { envFrom: [{ configMapRef: { name: configName } }] } : {}),
      ...(env.length > 0 ? { env } : {}),
      ports: [{ name: 'http', containerPort: app.port, protocol: 'TCP' }],
    };
    return [
      ...(hasEnv ? [manifest('apps', config)] : []),
      manifest('apps', deployment(model, app.name, PodRole.APP, 1, podSpec([container]), { digest: hasEnv ? configDigest(config.data) : undefined })),
      manifest('apps', clusterIpService(model, app.name, PodRole.APP, app.port, 'http')),
    ];
  });
}

function sortedRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.keys(record).sort().map((k) => [k, record[k]]));
}
