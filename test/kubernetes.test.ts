import { execFileSync } from 'child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { IngressRoute, Middleware } from '@kubernetes-models/traefik/traefik.io/v1alpha1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { ConfigMap, Namespace, PersistentVolumeClaim, Service } from 'kubernetes-models/v1';
import { parse } from 'yaml';
import { envFile, synthK8s } from './kubernetes-util';
import { esc, fileMode, refusal, requireTool, SEED, synth, synthProject, withoutPostSynthesis } from './util';
import { NetboxPomeriumProject } from '../src';
import { K8S_FILES, K8S_SECRET } from '../src/kubernetes/k8s-names';
import { secretsFileProblem } from '../src/kubernetes/k8s-preflight';
import { checkKubernetesIsolation, podTemplates, selects } from '../src/kubernetes/kubernetes-checks';
import { renderManifests } from '../src/kubernetes/render-kustomization';
import { JWT_ASSERTION_HEADER } from '../src/model/identity-headers';
import { postgresLayoutOf } from '../src/model/postgres-guard';
import { DeclarationProblems } from '../src/model/problems';
import { compileDeployment } from '../src/plan/compile';

const VALIDATORS: Record<string, new (data: any) => { validate(): void }> = {
  Namespace, ConfigMap, PersistentVolumeClaim, Service, Deployment, StatefulSet, NetworkPolicy, IngressRoute, Middleware,
};

const GRAFANA = { name: 'grafana', image: 'grafana/grafana:11.3.0', port: 3000, host: 'grafana.example.org', environment: { GF_AUTH_PROXY_ENABLED: 'true' } };
/** Group sync on (more identity headers), an app, several Pomerium replicas and shared file storage. */
const FULL = {
  superusers: ['admin@example.org'],
  superuserGroups: ['netbox-admins'],
  apps: [GRAFANA],
  kubernetesOptions: { pomeriumReplicas: 2, netboxReplicas: 2, workerReplicas: 2, readWriteManyStorageClass: 'nfs', storageClass: 'fast' },
};
const DECLARATIONS = { 'seed': {}, 'full': FULL, 'oldest release': { netboxVersion: 'v3.0-1.4.1', superusers: ['admin@example.org'] } };

const podsOf = (objects: any[]) => podTemplates(objects);
const containersOf = (o: any): any[] => o.spec?.template?.spec?.containers ?? [];

describe.each(Object.entries(DECLARATIONS))('kubernetes manifests (%s)', (_name, overrides) => {
  const k = synthK8s(overrides);
  const pods = podsOf(k.objects);

  test('every object validates against the Kubernetes and Traefik schemas', () => {
    expect(k.objects.length).toBeGreaterThan(20);
    for (const [file, object] of Object.entries(k.manifests)) {
      const Model = VALIDATORS[object.kind];
      expect([file, Model !== undefined]).toEqual([file, true]);
      expect(() => new Model(object).validate()).not.toThrow();
    }
  });

  test('every workload selects its own pods, every Service one workload and a port its containers have', () => {
    for (const w of k.objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')) {
      expect(selects(w.spec.selector, w.spec.template.metadata.labels)).toBe(true);
    }
    for (const svc of k.objects.filter((o) => o.kind === 'Service')) {
      const matched = pods.filter((p) => selects({ matchLabels: svc.spec.selector }, p.labels));
      expect([svc.metadata.name, matched.map((p) => p.name)]).toEqual([svc.metadata.name, [svc.metadata.name]]);
      const workload = k.objects.find((o) => o.metadata.name === matched[0].name && ['Deployment', 'StatefulSet'].includes(o.kind));
      const ports = containersOf(workload).flatMap((c) => c.ports ?? []);
      for (const port of svc.spec.ports) expect(ports.map((p: any) => p.name)).toContain(port.targetPort);
      expect(svc.spec.type).toBe('ClusterIP');
    }
  });

  test('every referenced Secret key is generated, every ConfigMap and claim exists', () => {
    const generated = envFile(k.out.files[K8S_FILES.secrets]);
    expect(k.kustomization.secretGenerator).toEqual([{ name: K8S_SECRET, env: 'secrets.env' }]);
    const refs = k.objects.flatMap((o) => containersOf(o).flatMap((c) => (c.env ?? []).map((e: any) => e.valueFrom?.secretKeyRef).filter(Boolean)));
    expect(refs.length).toBeGreaterThan(5);
    for (const ref of refs) {
      expect(ref.name).toBe(K8S_SECRET);
      // The one secret npx projen cannot create: the k8s-apply task refuses to run without it.
      if (ref.key === 'IDP_CLIENT_SECRET') continue;
      expect(Object.keys(generated)).toContain(ref.key);
      expect(generated[ref.key].length).toBeGreaterThanOrEqual(32);
    }
    expect(refs.map((r: any) => r.key)).toContain('IDP_CLIENT_SECRET');
    const tasks = k.out.files['.projen/tasks.json'].tasks;
    expect(tasks['k8s-apply'].steps[0].exec)
      .toBe('node -e "require(\'projen-netbox-pomerium/lib/kubernetes/k8s-preflight\').main()" && kubectl apply -k k8s');
    const names = (kind: string) => k.objects.filter((o) => o.kind === kind).map((o) => o.metadata.name);
    for (const o of k.objects) {
      for (const c of containersOf(o)) for (const from of c.envFrom ?? []) expect(names('ConfigMap')).toContain(from.configMapRef.name);
      for (const v of o.spec?.template?.spec?.volumes ?? []) {
        if (v.persistentVolumeClaim) expect(names('PersistentVolumeClaim')).toContain(v.persistentVolumeClaim.claimName);
        if (v.configMap) expect(names('ConfigMap')).toContain(v.configMap.name);
      }
    }
  });

  test("Pomerium's upstreams resolve to Services and their ports", () => {
    const config = parse(k.find('ConfigMap', 'pomerium-config').data['config.yaml']);
    expect(config.routes.length).toBeGreaterThan(0);
    for (const route of config.routes) {
      const url = new URL(route.to);
      const [service, namespace, svc, cluster, local] = url.hostname.split('.');
      expect([namespace, svc, cluster, local]).toEqual([k.kustomization.namespace, 'svc', 'cluster', 'local']);
      expect(k.find('Service', service).spec.ports.map((p: any) => p.port)).toContain(Number(url.port));
    }
    // The rest is the compose config.yaml, unchanged.
    const { routes: _r, health_check_addr: _h, databroker_storage_type: _d, ...rest } = config;
    const { routes: _cr, ...composeRest } = k.out.pomerium;
    expect(rest).toEqual(composeRest);
    expect(config.routes.map((r: any) => r.from)).toEqual(k.out.pomerium.routes.map((r: any) => r.from));
    expect(config.routes.map((r: any) => r.policy)).toEqual(k.out.pomerium.routes.map((r: any) => r.policy));
  });

  test('values only the golden snapshot held: Pomerium\'s health listener matches its probed port; no pod gets an API token; Postgres data in its subPath', () => {
    const config = parse(k.find('ConfigMap', 'pomerium-config').data['config.yaml']);
    const pomerium = k.find('Deployment', 'pomerium').spec.template.spec.containers[0];
    const healthPort = pomerium.ports.find((port: any) => port.name === 'health').containerPort;
    expect(config.health_check_addr).toBe(`0.0.0.0:${healthPort}`);
    expect([pomerium.startupProbe.httpGet.port, pomerium.readinessProbe.httpGet.port]).toEqual(['health', 'health']);
    const podSpecs = k.objects.filter((o) => o.spec?.template?.spec).map((o) => [`${o.kind}/${o.metadata.name}`, o.spec.template.spec.automountServiceAccountToken]);
    expect(podSpecs.length).toBeGreaterThan(5);
    expect(podSpecs.filter(([, automount]) => automount !== false)).toEqual([]);
    const postgres = k.find('StatefulSet', 'postgres').spec.template.spec.containers[0];
    expect(postgres.volumeMounts).toEqual([{ name: expect.any(String), mountPath: expect.stringMatching(/^\/var\/lib\/postgresql/), subPath: 'pgdata' }]);
    const egress = k.objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'allow-pomerium-egress');
    // Pomerium reaches the IdP over HTTPS, to any address.
    expect(egress.spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }], ports: [{ protocol: 'TCP', port: 443 }] });
  });

  test('the Middleware empties every identity header NetBox trusts, and every route uses it', () => {
    const env = k.find('ConfigMap', 'netbox-env').data;
    const metaKeys = Object.entries(env).filter(([name]) => /^REMOTE_AUTH_(HEADER|GROUP_HEADER|USER_EMAIL|USER_FIRST_NAME|USER_LAST_NAME)$/.test(name))
      .map(([, v]) => v as string);
    expect(metaKeys).toContain('HTTP_X_POMERIUM_CLAIM_EMAIL');
    const middleware = k.objects.find((o) => o.kind === 'Middleware');
    const emptied = Object.entries(middleware.spec.headers.customRequestHeaders).filter(([, v]) => v === '').map(([h]) => h);
    const emptiedKeys = emptied.map((h) => `HTTP_${h.toUpperCase().replace(/-/g, '_')}`);
    for (const key of metaKeys) expect(emptiedKeys).toContain(key);
    expect(emptied).toContain(JWT_ASSERTION_HEADER);
    const route = k.objects.find((o) => o.kind === 'IngressRoute');
    for (const r of route.spec.routes) {
      expect(r.middlewares).toEqual([{ name: middleware.metadata.name }]);
      expect(r.services).toEqual([{ name: 'pomerium', port: k.find('Service', 'pomerium').spec.ports[0].port }]);
    }
    expect(middleware.metadata.namespace).toBe(route.metadata.namespace);
  });

  test('the network policies select real pods, and only Pomerium reaches NetBox', () => {
    const policies = k.objects.filter((o) => o.kind === 'NetworkPolicy');
    for (const np of policies) {
      expect([np.metadata.name, pods.some((p) => selects(np.spec.podSelector, p.labels))]).toEqual([np.metadata.name, true]);
      for (const rule of [...(np.spec.ingress ?? []).map((r: any) => r.from), ...(np.spec.egress ?? []).map((r: any) => r.to)]) {
        for (const peer of rule) {
          if (peer.podSelector && !peer.namespaceSelector) expect(pods.some((p) => selects(peer.podSelector, p.labels))).toBe(true);
        }
      }
    }
    // Whom the union of the ingress rules on NetBox's pod lets in, among the pods emitted.
    const netbox = pods.find((p) => p.name === 'netbox')!;
    const onNetbox = policies.filter((np) => selects(np.spec.podSelector, netbox.labels) && np.spec.policyTypes.includes('Ingress'));
    expect(onNetbox.map((np) => np.metadata.name)).toEqual(expect.arrayContaining(['default-deny', 'allow-pomerium-to-netbox']));
    const admitted = pods.filter((p) => onNetbox.some((np) => (np.spec.ingress ?? []).some((r: any) => r.from.some((peer: any) =>
      !peer.namespaceSelector && selects(peer.podSelector, p.labels)))));
    expect(admitted.map((p) => p.name)).toEqual(['pomerium']);
    const fromOutside = onNetbox.flatMap((np) => (np.spec.ingress ?? [])
      .flatMap((r: any) => r.from.filter((peer: any) => peer.namespaceSelector || peer.ipBlock)));
    expect(fromOutside).toEqual([]);
    const traefik = k.find('NetworkPolicy', 'allow-traefik-to-pomerium').spec.ingress[0];
    expect(traefik.from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe('traefik');
    expect(traefik.ports).toEqual([{ protocol: 'TCP', port: k.find('Service', 'pomerium').spec.ports[0].port }]);
    // NetBox reaches DNS and, as on Compose's egress network, any address outside; Postgres and Redis reach nothing outside.
    const egressOf = (labels: Record<string, string>) => policies.filter((np) => selects(np.spec.podSelector, labels)
      && np.spec.policyTypes.includes('Egress')).flatMap((np) => (np.spec.egress ?? []).flatMap((r: any) => r.to));
    const netboxEgress = egressOf(netbox.labels);
    expect(netboxEgress.filter((peer: any) => peer.ipBlock)).toEqual([{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }]);
    for (const data of pods.filter((p) => ['postgres', 'redis', 'redis-cache'].includes(p.name))) {
      expect([data.name, egressOf(data.labels).filter((peer: any) => peer.ipBlock)]).toEqual([data.name, []]);
    }
    expect(netboxEgress.filter((peer: any) => peer.namespaceSelector).map((peer: any) => peer.namespaceSelector.matchLabels))
      .toEqual([{ 'kubernetes.io/metadata.name': 'kube-system' }]);
  });

  test('every manifest is a resource of the kustomization, in the namespace', () => {
    const files = Object.keys(k.out.files).filter((f) => f.startsWith('k8s/') && f.endsWith('.yaml') && f !== K8S_FILES.kustomization);
    expect(files.sort()).toEqual(Object.keys(k.manifests).sort());
    for (const o of k.objects) if (o.kind !== 'Namespace') expect(o.metadata.namespace).toBe(k.kustomization.namespace);
  });
});

test('isolated: no NetBox pod has a way out of the namespace but DNS', () => {
  const k = synthK8s({ isolated: true });
  const policies = k.objects.filter((o) => o.kind === 'NetworkPolicy');
  expect(policies.map((np) => np.metadata.name).filter((n) => n.endsWith('-to-outside'))).toEqual([]);
  const outside = policies.filter((np) => np.metadata.name !== 'allow-pomerium-egress')
    .flatMap((np) => (np.spec.egress ?? []).flatMap((r: any) => r.to)).filter((peer: any) => peer.ipBlock);
  expect(outside).toEqual([]);
});

describe('the schema validators fail on broken objects', () => {
  test('kubernetes-models rejects a Deployment with a string replica count', () => {
    const d = structuredClone(synthK8s().find('Deployment', 'netbox'));
    d.spec.replicas = 'two';
    expect(() => new Deployment(d).validate()).toThrow(/replicas must be integer/);
  });
  test('@kubernetes-models/traefik rejects a header value that is not a string', () => {
    const m = structuredClone(synthK8s().objects.find((o) => o.kind === 'Middleware'));
    m.spec.headers.customRequestHeaders['X-Pomerium-Claim-Email'] = 1;
    expect(() => new Middleware(m).validate()).toThrow(/must be string/);
  });
});

describe('kubernetes options', () => {
  test('defaults: namespace from the project name, one replica each, ReadWriteOnce files beside the web pod', () => {
    const k = synthK8s();
    expect(k.kustomization.namespace).toBe('netbox');
    expect(k.find('Namespace', 'netbox').kind).toBe('Namespace');
    for (const name of ['netbox', 'netbox-worker', 'pomerium']) expect(k.find('Deployment', name).spec.replicas).toBe(1);
    expect(k.find('PersistentVolumeClaim', 'netbox-media-files').spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } });
    const worker = k.find('Deployment', 'netbox-worker');
    expect(worker.spec.strategy).toEqual({ type: 'Recreate' });
    expect(worker.spec.template.spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchLabels)
      .toEqual({ 'app.kubernetes.io/name': 'netbox' });
    expect(k.find('StatefulSet', 'postgres').spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('10Gi');
    expect(k.find('NetworkPolicy', 'allow-netbox-to-postgres').spec.ingress[0].from).toEqual([{ podSelector: { matchLabels: { 'app.kubernetes.io/component': 'netbox' } } }]);
  });

  test('a ReadWriteMany class lets NetBox scale; several Pomerium replicas share sessions in Postgres', () => {
    const k = synthK8s(FULL);
    expect(k.find('Deployment', 'netbox').spec.replicas).toBe(2);
    expect(k.find('Deployment', 'netbox-worker').spec.template.spec.affinity).toBeUndefined();
    expect(k.find('PersistentVolumeClaim', 'netbox-media-files').spec.accessModes).toEqual(['ReadWriteMany']);
    expect(k.find('PersistentVolumeClaim', 'netbox-media-files').spec.storageClassName).toBe('nfs');
    expect(k.find('StatefulSet', 'postgres').spec.volumeClaimTemplates[0].spec.storageClassName).toBe('fast');
    const config = parse(k.find('ConfigMap', 'pomerium-config').data['config.yaml']);
    expect(config.databroker_storage_type).toBe('postgres');
    const env = k.find('Deployment', 'pomerium').spec.template.spec.containers[0].env;
    expect(env.find((e: any) => e.name === 'DATABROKER_STORAGE_CONNECTION_STRING').value)
      .toBe('postgres://netbox:$(DATABROKER_POSTGRES_PASSWORD)@postgres.netbox.svc.cluster.local:5432/netbox?sslmode=disable');
    // $(VAR) expands only from variables defined earlier in the list.
    expect(env.findIndex((e: any) => e.name === 'DATABROKER_POSTGRES_PASSWORD'))
      .toBeLessThan(env.findIndex((e: any) => e.name === 'DATABROKER_STORAGE_CONNECTION_STRING'));
    expect(k.find('NetworkPolicy', 'allow-netbox-to-postgres').spec.ingress[0].from)
      .toContainEqual({ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'pomerium' } } });
    expect(parse(synthK8s().find('ConfigMap', 'pomerium-config').data['config.yaml']).databroker_storage_type).toBeUndefined();
  });

  test('more than one NetBox web or worker pod without a ReadWriteMany class is refused with the reason', () => {
    const message = refusal({ kubernetes: true, kubernetesOptions: { netboxReplicas: 2, workerReplicas: 3 } });
    expect(message).toMatch(/kubernetesOptions\.netboxReplicas: needs the NetBox media, reports and scripts volumes on several nodes, which a ReadWriteOnce volume cannot do \(got 2\)\. Set kubernetesOptions\.readWriteManyStorageClass/);
    expect(message).toMatch(/kubernetesOptions\.workerReplicas: .* \(got 3\)/);
  });

  test('bad options are refused even while kubernetes is off, all at once', () => {
    const message = refusal({
      kubernetesOptions: {
        namespace: 'Net_Box', traefikNamespace: 'kube system', traefikPodLabels: {}, storageClass: 'Fast!', postgresStorageSize: '10 GB', pomeriumReplicas: 0,
      },
    });
    for (const option of ['namespace', 'traefikNamespace', 'traefikPodLabels', 'storageClass', 'postgresStorageSize', 'pomeriumReplicas']) {
      expect(message).toContain(`kubernetesOptions.${option}: `);
    }
    expect(refusal({ kubernetes: true, pomeriumPort: 28080 })).toMatch(/pomeriumPort: is the port of Pomerium's health endpoints on Kubernetes \(got 28080\)/);
    expect(refusal({ kubernetes: true, name: 'net_box' })).toMatch(/name: is not a Kubernetes namespace name \(got "net_box"\).*kubernetesOptions\.namespace/);
    // The project name matters only when the manifests are emitted.
    expect(() => new NetboxPomeriumProject({ ...SEED, name: 'net_box' })).not.toThrow();
  });

  test('the runbook section names the namespace, Traefik, storage, the secrets file and each workload\'s replicas', () => {
    const readme: string = synthK8s(FULL).out.files['README.md'];
    const section = readme.slice(readme.indexOf('## Kubernetes'));
    expect(section).toContain('in the namespace `netbox`');
    expect(section).toContain('Traefik runs in the namespace `traefik`');
    expect(section).toContain('`app.kubernetes.io/name=traefik`');
    expect(section).toContain('`nfs` (ReadWriteMany) for NetBox\'s files');
    expect(section).toContain('the storage class `fast` for Postgres and Redis');
    expect(section).toContain('Paste `IDP_CLIENT_SECRET=<value>` into it');
    expect(section).toContain('| netbox | Deployment | 2 |');
    expect(section).toContain('| pomerium | Deployment | 2 |');
    expect(section).toContain('| grafana | Deployment | 1 |');
    expect(section).toContain('| postgres | StatefulSet | 1 |');
    expect(section).toContain('keeps its sessions in Postgres');
    expect(synthK8s().out.files['README.md']).toContain('NetBox\'s files are ReadWriteOnce, so the worker runs on the node of the NetBox web pod.');
    expect(synth().files['README.md']).not.toContain('## Kubernetes');
  });

  test('kubernetesOptions without kubernetes warns that it has no effect', () => {
    const plan = compileDeployment({ ...SEED, kubernetesOptions: { namespace: 'ipam' } });
    expect(plan.model.warnings).toContain('kubernetesOptions has no effect while kubernetes is off. Set kubernetes: true to emit k8s/.');
    expect(compileDeployment({ ...SEED }).model.warnings.join('\n')).not.toContain('kubernetesOptions');
  });

  test('kubernetes off: no k8s files, tasks or runbook section', () => {
    const plan = compileDeployment({ ...SEED });
    expect(plan.targets.map((t) => t.id)).toEqual(['compose']);
    const k = compileDeployment({ ...SEED, kubernetes: true });
    expect(k.targets.map((t) => t.id)).toEqual(['compose', 'kubernetes']);
    expect(k.targets[1].output.tasks.map((t) => t.name)).toEqual(['k8s-apply', 'k8s-diff']);
    expect(k.targets[1].output.runbook[0]).toBe('## Kubernetes');
  });
});

describe('the model drives the manifests', () => {
  test('a domain change reaches the route, Pomerium and NetBox; a release change the images; an app its own objects', () => {
    const before = synthK8s();
    const after = synthK8s({ domain: 'ipam.example.com', netboxVersion: 'v4.4-3.4.1', apps: [GRAFANA], idpClientId: 'other-client' });
    const route = (k: typeof before) => k.objects.find((o) => o.kind === 'IngressRoute').spec.routes.map((r: any) => r.match);
    expect(route(before)).toEqual(['Host(`netbox.example.org`) || Host(`authenticate.netbox.example.org`)']);
    expect(route(after)).toEqual(['Host(`ipam.example.com`) || Host(`authenticate.ipam.example.com`)', 'Host(`grafana.example.org`)']);
    const config = parse(after.find('ConfigMap', 'pomerium-config').data['config.yaml']);
    expect(config.authenticate_service_url).toBe('https://authenticate.ipam.example.com');
    expect(config.idp_client_id).toBe('other-client');
    expect(config.routes.map((r: any) => [r.from, r.to])).toEqual([
      ['https://ipam.example.com', 'http://netbox.netbox.svc.cluster.local:8080'],
      ['https://grafana.example.org', 'http://grafana.netbox.svc.cluster.local:3000'],
    ]);
    expect(after.find('ConfigMap', 'netbox-env').data.ALLOWED_HOSTS).toBe('ipam.example.com');
    expect(after.find('ConfigMap', 'netbox-env').data.CSRF_TRUSTED_ORIGINS).toBe('https://ipam.example.com');
    expect(after.find('Deployment', 'netbox').spec.template.spec.containers[0].image).toBe(after.out.compose.services.netbox.image);
    expect(after.find('Deployment', 'netbox').spec.template.spec.containers[0].image).not.toBe(before.find('Deployment', 'netbox').spec.template.spec.containers[0].image);
    expect(after.find('StatefulSet', 'postgres').spec.template.spec.containers[0].image).toBe(after.out.compose.services.postgres.image);
    // The changed configuration changes the pod template, so the pods roll.
    const digest = (k: typeof before) => k.find('Deployment', 'pomerium').spec.template.metadata.annotations['netbox-pomerium.io/config-digest'];
    expect(digest(after)).not.toBe(digest(before));
    expect(after.find('Deployment', 'grafana').spec.template.spec.containers[0]).toMatchObject({ image: 'grafana/grafana:11.3.0', envFrom: [{ configMapRef: { name: 'grafana-env' } }] });
    expect(after.find('NetworkPolicy', 'allow-pomerium-to-grafana').spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 3000 }]);
  });

  test('an app added through addApp reaches the manifests and the kustomization', () => {
    const project = new NetboxPomeriumProject({ ...SEED, kubernetes: true });
    project.addApp(GRAFANA);
    const out = synthProject(project);
    const kustomization = parse(out.files['k8s/kustomization.yaml']);
    expect(kustomization.resources).toEqual(expect.arrayContaining(['apps/deployment-grafana.yaml', 'apps/service-grafana.yaml',
      'apps/configmap-grafana-env.yaml', 'network-policies/networkpolicy-allow-pomerium-to-grafana.yaml']));
    for (const resource of kustomization.resources) expect([resource, typeof out.files[`k8s/${resource}`]]).toEqual([resource, 'string']);
    expect(parse(out.files['k8s/traefik/ingressroute-netbox.yaml']).spec.routes.map((r: any) => r.match)).toContain('Host(`grafana.example.org`)');
  });

  test('containers get exactly their compose service\'s environment, secrets as Secret keys', () => {
    const k = synthK8s({ composeOverrides: { 'services.netbox.environment.TZ': 'Europe/Berlin' } });
    const env = k.find('Deployment', 'netbox').spec.template.spec.containers[0].env;
    expect(env.map((e: any) => e.name)).toEqual(Object.keys(k.out.compose.services.netbox.environment).sort());
    expect(env).toContainEqual({ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: K8S_SECRET, key: 'POSTGRES_PASSWORD' } } });
    expect(env).toContainEqual({ name: 'TZ', value: 'Europe/Berlin' });
    // Compose's `$$` is one `$` for the container's shell.
    const redis = k.find('StatefulSet', 'redis').spec.template.spec.containers[0];
    expect(redis.command[2]).toMatch(/--requirepass \$REDIS_PASSWORD$/);
  });
});

describe('isolation checks on the manifests', () => {
  const model = compileDeployment({ ...SEED, kubernetes: true }).model;
  const compose = compileDeployment({ ...SEED, kubernetes: true }).compose;
  const problemsWith = (mutate: (objects: any[]) => void): readonly string[] => {
    const manifests = renderManifests(model, compose).map((m) => ({ ...m, object: structuredClone(m.object) }));
    mutate(manifests.map((m) => m.object));
    const p = new DeclarationProblems();
    checkKubernetesIsolation(p, model, manifests);
    return p.messages;
  };
  const byName = (objects: any[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata?.name === name);

  test('the generated manifests pass', () => {
    expect(problemsWith(() => undefined)).toEqual([]);
  });
  test('an IngressRoute to NetBox itself is refused', () => {
    const problems = problemsWith((o) => { o.find((x) => x.kind === 'IngressRoute').spec.routes[0].services = [{ name: 'netbox', port: 8080 }]; });
    expect(problems).toEqual([expect.stringMatching(/^kubernetes \(k8s\/traefik\/ingressroute-netbox\.yaml\): routes Host.* to a Service other than Pomerium\..*\(got \["netbox"\]\)/)]);
  });
  test.each(['LoadBalancer', 'NodePort'])('a %s Service of NetBox or Postgres is refused', (type) => {
    const problems = problemsWith((o) => { byName(o, 'Service', 'netbox').spec.type = type; byName(o, 'Service', 'postgres').spec.type = type; });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(new RegExp(`^kubernetes \\(k8s/netbox/service-netbox\\.yaml\\): exposes netbox outside the cluster\\..*\\(got "${type}"\\)`));
  });
  test('a policy that lets other pods, namespaces or everyone reach NetBox is refused', () => {
    expect(problemsWith((o) => { byName(o, 'NetworkPolicy', 'allow-pomerium-to-netbox').spec.ingress[0].from = [{ podSelector: {} }]; }))
      .toEqual([expect.stringMatching(/networkpolicy-allow-pomerium-to-netbox\.yaml\): lets pods other than Pomerium reach NetBox's port 8080/)]);
    expect(problemsWith((o) => { byName(o, 'NetworkPolicy', 'allow-pomerium-to-netbox').spec.ingress[0].from[0].namespaceSelector = {}; })).toHaveLength(1);
    expect(problemsWith((o) => { delete byName(o, 'NetworkPolicy', 'allow-pomerium-to-netbox').spec.ingress[0].from; }))
      .toEqual([expect.stringMatching(/lets every pod and address reach NetBox's port/)]);
    expect(problemsWith((o) => { for (const np of o.filter((x) => x.kind === 'NetworkPolicy')) np.spec.podSelector = { matchLabels: { none: 'x' } }; }))
      .toEqual([expect.stringMatching(/^kubernetes: emits no network policy that isolates NetBox's pods/)]);
  });
});

describe('secrets and the Postgres guard on disk', () => {
  // Synthesize the way `npx projen` does: no post-synthesis install.
  withoutPostSynthesis();
  const synthInto = (dir: string, overrides: object = {}) =>
    new NetboxPomeriumProject({ ...SEED, kubernetes: true, outdir: dir, ...overrides }).synth();

  test('k8s/secrets.env is created once, git-ignored, private, and never rewritten', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nbp-k8s-'));
    synthInto(dir);
    const file = path.join(dir, K8S_FILES.secrets);
    const first = readFileSync(file, 'utf-8');
    expect(fileMode(file)).toBe('600');
    expect(readFileSync(path.join(dir, '.gitignore'), 'utf-8').split('\n')).toContain('/k8s/secrets.env');
    // The same secrets as .env, with kustomize's unquoted lines.
    expect(Object.keys(envFile(first)).sort()).toEqual(readFileSync(path.join(dir, '.env'), 'utf-8').split('\n')
      .filter((l) => /^[A-Z_0-9]+='/.test(l)).map((l) => l.split('=')[0]).sort());
    expect(first).not.toMatch(/^[A-Z_0-9]+='/m);
    writeFileSync(file, `${first}IDP_CLIENT_SECRET=pasted\n`);
    chmodSync(file, 0o600);
    synthInto(dir, { domain: 'ipam.example.com' });
    expect(readFileSync(file, 'utf-8')).toBe(`${first}IDP_CLIENT_SECRET=pasted\n`);
    // Turning kubernetes off keeps the secrets (they also live in the cluster's volumes).
    synthInto(dir, { kubernetes: false });
    expect(existsSync(file)).toBe(true);
    expect(existsSync(path.join(dir, K8S_FILES.kustomization))).toBe(false);
  });

  test('k8s-apply refuses to run until the IdP client secret is in k8s/secrets.env', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nbp-k8s-'));
    expect(secretsFileProblem(dir)).toBe('k8s/secrets.env is missing: run npx projen to create it.');
    synthInto(dir);
    const file = path.join(dir, K8S_FILES.secrets);
    expect(secretsFileProblem(dir)).toMatch(/^k8s\/secrets\.env: paste IDP_CLIENT_SECRET=<value> first/);
    const generated = readFileSync(file, 'utf-8');
    writeFileSync(file, `${generated}IDP_CLIENT_SECRET=\n`);
    expect(secretsFileProblem(dir)).toMatch(/paste IDP_CLIENT_SECRET/);
    writeFileSync(file, `${generated}IDP_CLIENT_SECRET=\nIDP_CLIENT_SECRET=value\n`);
    expect(secretsFileProblem(dir)).toBe('k8s/secrets.env: IDP_CLIENT_SECRET appears 2 times; keep one line.');
    writeFileSync(file, `${generated}IDP_CLIENT_SECRET=value\n`);
    expect(secretsFileProblem(dir)).toBeUndefined();
  });

  test('a new Postgres major version is refused on the StatefulSet, with the kubectl steps', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nbp-k8s-'));
    synthInto(dir, { netboxVersion: 'v4.4-3.4.1' });
    const setFile = path.join(dir, 'k8s/postgres/statefulset-postgres.yaml');
    expect(postgresLayoutOf(parse(readFileSync(setFile, 'utf-8')))).toEqual({ image: 'postgres:17-alpine', volume: 'data', dataPath: '/var/lib/postgresql/data' });
    // Only the StatefulSet remembers the old layout: the compose guard has nothing to compare.
    rmSync(path.join(dir, 'compose.yaml'));
    expect(() => synthInto(dir)).toThrow(new RegExp(`netboxVersion: would move the existing database \\(Postgres 17 -> 18.*${esc('kubectl -n netbox delete pvc data-postgres-0')}`));
    expect(readFileSync(setFile, 'utf-8')).toContain('postgres:17-alpine');
    expect(() => synthInto(dir, { allowPostgresUpgrade: true })).not.toThrow();
    expect(readFileSync(setFile, 'utf-8')).toContain('postgres:18-alpine');
  });
});

describe('kubectl kustomize (real tool)', () => {
  withoutPostSynthesis();
  test('renders the directory: the generated Secret and every reference to it get the same hashed name', () => {
    requireTool('kubectl');
    const dir = mkdtempSync(path.join(tmpdir(), 'nbp-k8s-'));
    new NetboxPomeriumProject({ ...SEED, kubernetes: true, outdir: dir, apps: [GRAFANA] }).synth();
    const rendered = execFileSync('kubectl', ['kustomize', path.join(dir, 'k8s')], { encoding: 'utf-8' });
    const docs = rendered.split(/^---$/m).map((d) => parse(d));
    const secret = docs.find((d) => d.kind === 'Secret');
    expect(secret.metadata.name).toMatch(new RegExp(`^${K8S_SECRET}-[a-z0-9]{10}$`));
    expect(Object.keys(secret.data)).toContain('POSTGRES_PASSWORD');
    const refs = docs.flatMap((d) => containersOf(d).flatMap((c) => (c.env ?? []).map((e: any) => e.valueFrom?.secretKeyRef?.name).filter(Boolean)));
    expect(refs.length).toBeGreaterThan(5);
    expect(new Set(refs)).toEqual(new Set([secret.metadata.name]));
    expect(docs.length).toBe(synthK8s({ apps: [GRAFANA] }).objects.length + 1);
  });
});
