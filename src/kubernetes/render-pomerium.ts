import type { Deployment } from 'kubernetes-types/apps/v1';
import type { ConfigMap, EnvVar, Probe } from 'kubernetes-types/core/v1';
import { stringify } from 'yaml';
import {
  CONFIG_DIGEST_ANNOTATION, meta, podLabels, PodRole, POMERIUM_CONFIGMAP, POMERIUM_HEALTH_PORT, selectorLabels, serviceDns,
} from './k8s-names';
import { K8sManifest, manifest } from './k8s-objects';
import { clusterIpService, configDigest, containerEnv, POSTGRES_PORT } from './render-workloads';
import type { ComposeObject } from '../compose/render-compose';
import type { StackModel } from '../model/deployment-model';
import { NETBOX_DB, SERVICES } from '../model/stack-names';
import { POMERIUM_CONFIG_PATH, renderPomeriumConfig } from '../pomerium/pomerium-config';

/**
 * Pomerium's config.yaml on Kubernetes: the Compose one with Service DNS upstreams, health
 * endpoints the kubelet can reach, and (for several replicas) sessions kept in Postgres.
 */
export function kubernetesPomeriumConfig(model: StackModel): Record<string, unknown> {
  return {
    ...renderPomeriumConfig(model, (service) => serviceDns(model, service)),
    // Pomerium serves /readyz and /startupz on 127.0.0.1 unless told otherwise.
    health_check_addr: `0.0.0.0:${POMERIUM_HEALTH_PORT}`,
    // Each replica would otherwise know only the sessions it created itself.
    ...(model.kubernetes.sharedSessions ? { databroker_storage_type: 'postgres' } : {}),
  };
}

/** Pomerium all-in-one: its config.yaml as a ConfigMap, the Deployment and its ClusterIP Service. */
export function renderPomerium(model: StackModel, compose: ComposeObject): K8sManifest[] {
  const configText = stringify(kubernetesPomeriumConfig(model), { lineWidth: 0 });
  const fileName = POMERIUM_CONFIG_PATH.split('/').pop()!;
  const config: ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(model, POMERIUM_CONFIGMAP), data: { [fileName]: configText } };
  const env: EnvVar[] = containerEnv(compose.services[SERVICES.pomerium]);
  if (model.kubernetes.sharedSessions) {
    // The database password reaches Pomerium the way it reaches Postgres; $(VAR) is expanded by the kubelet.
    const password = containerEnv(compose.services[SERVICES.postgres]).find((e) => e.name === 'POSTGRES_PASSWORD')!;
    env.push({ name: 'DATABROKER_POSTGRES_PASSWORD', valueFrom: password.valueFrom },
      {
        name: 'DATABROKER_STORAGE_CONNECTION_STRING',
        value: `postgres://${NETBOX_DB}:$(DATABROKER_POSTGRES_PASSWORD)@`
        + `${serviceDns(model, SERVICES.postgres)}:${POSTGRES_PORT}/${NETBOX_DB}?sslmode=disable`,
      });
  }
  const health = (path: string, extra: Partial<Probe>): Probe => ({ httpGet: { path, port: 'health' }, periodSeconds: 10, ...extra });
  const deployment: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(model, SERVICES.pomerium, podLabels(model, SERVICES.pomerium, PodRole.PROXY)),
    spec: {
      replicas: model.kubernetes.replicas.pomerium,
      selector: { matchLabels: selectorLabels(SERVICES.pomerium) },
      template: {
        metadata: {
          labels: podLabels(model, SERVICES.pomerium, PodRole.PROXY),
          annotations: { [CONFIG_DIGEST_ANNOTATION]: configDigest(config.data) },
        },
        spec: {
          automountServiceAccountToken: false,
          containers: [{
            name: SERVICES.pomerium,
            image: compose.services[SERVICES.pomerium].image,
            env,
            ports: [
              { name: 'http', containerPort: model.pomerium.port, protocol: 'TCP' },
              { name: 'health', containerPort: POMERIUM_HEALTH_PORT, protocol: 'TCP' },
            ],
            volumeMounts: [{ name: POMERIUM_CONFIGMAP, mountPath: POMERIUM_CONFIG_PATH, subPath: fileName, readOnly: true }],
            startupProbe: health('/startupz', { failureThreshold: 30 }),
            readinessProbe: health('/readyz', {}),
          }],
          volumes: [{ name: POMERIUM_CONFIGMAP, configMap: { name: POMERIUM_CONFIGMAP } }],
        },
      },
    },
  };
  return [
    manifest('pomerium', config),
    manifest('pomerium', deployment),
    manifest('pomerium', clusterIpService(model, SERVICES.pomerium, PodRole.PROXY, model.pomerium.port, 'http')),
  ];
}
