import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from 'kubernetes-types/networking/v1';
import { LABELS, meta, PodRole, selectorLabels } from './k8s-names';
import { K8sManifest, manifest } from './k8s-objects';
import { POSTGRES_PORT, REDIS_PORT } from './render-workloads';
import type { StackModel } from '../model/deployment-model';
import { NETBOX_PORT, SERVICES } from '../model/stack-names';

const tcp = (port: number): NetworkPolicyPort => ({ protocol: 'TCP', port });
const role = (r: PodRole): NetworkPolicyPeer => ({ podSelector: { matchLabels: { [LABELS.component]: r } } });
const pods = (workload: string): NetworkPolicyPeer => ({ podSelector: { matchLabels: selectorLabels(workload) } });

function policy(model: StackModel, name: string, spec: NetworkPolicy['spec']): NetworkPolicy {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta(model, name), spec };
}

/**
 * The namespace's network policies: everything is denied, then each allowed connection is named.
 * Traefik (its namespace and pod labels) reaches only Pomerium; only Pomerium reaches NetBox's
 * port and the apps; NetBox's pods reach Postgres and Redis; every pod may resolve names; Pomerium
 * reaches the IdP over HTTPS. The egress members of the model (NetBox web and worker, as on
 * Compose's egress network) may reach any address outside; with `isolated` nothing of NetBox's
 * leaves the namespace, like on Compose's internal network.
 */
export function renderNetworkPolicies(model: StackModel): K8sManifest[] {
  const k = model.kubernetes;
  const dataFromNetbox = (name: string, port: number, extraPeers: NetworkPolicyPeer[] = []) => policy(model, `allow-netbox-to-${name}`, {
    podSelector: { matchLabels: selectorLabels(name) },
    policyTypes: ['Ingress'],
    ingress: [{ from: [role(PodRole.NETBOX), ...extraPeers], ports: [tcp(port)] }],
  });
  const policies: NetworkPolicy[] = [
    policy(model, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    policy(model, 'allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ protocol: 'UDP', port: 53 }, tcp(53)],
      }],
    }),
    policy(model, 'allow-traefik-to-pomerium', {
      podSelector: { matchLabels: selectorLabels(SERVICES.pomerium) },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': k.traefikNamespace } },
          podSelector: { matchLabels: { ...k.traefikPodLabels } },
        }],
        ports: [tcp(model.pomerium.port)],
      }],
    }),
    policy(model, 'allow-pomerium-egress', {
      podSelector: { matchLabels: selectorLabels(SERVICES.pomerium) },
      policyTypes: ['Egress'],
      egress: [
        { to: [pods(SERVICES.netbox)], ports: [tcp(NETBOX_PORT)] },
        ...model.apps.map((app) => ({ to: [pods(app.name)], ports: [tcp(app.port)] })),
        ...(k.sharedSessions ? [{ to: [pods(SERVICES.postgres)], ports: [tcp(POSTGRES_PORT)] }] : []),
        // The IdP's discovery, token and key endpoints.
        { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }], ports: [tcp(443)] },
      ],
    }),
    policy(model, 'allow-pomerium-to-netbox', {
      podSelector: { matchLabels: selectorLabels(SERVICES.netbox) },
      policyTypes: ['Ingress'],
      ingress: [{ from: [pods(SERVICES.pomerium)], ports: [tcp(NETBOX_PORT)] }],
    }),
    policy(model, 'allow-netbox-egress', {
      podSelector: { matchLabels: { [LABELS.component]: PodRole.NETBOX } },
      policyTypes: ['Egress'],
      egress: [
        { to: [pods(SERVICES.postgres)], ports: [tcp(POSTGRES_PORT)] },
        { to: [pods(SERVICES.redis), pods(SERVICES.redisCache)], ports: [tcp(REDIS_PORT)] },
      ],
    }),
    ...model.egress.members.map((member) => policy(model, `allow-${member}-to-outside`, {
      podSelector: { matchLabels: selectorLabels(member) },
      policyTypes: ['Egress'],
      // Webhooks, e-mail, Git and S3 data sources, the release check: any port, like the Compose network.
      egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }] }],
    })),
    dataFromNetbox(SERVICES.postgres, POSTGRES_PORT, k.sharedSessions ? [pods(SERVICES.pomerium)] : []),
    dataFromNetbox(SERVICES.redis, REDIS_PORT),
    dataFromNetbox(SERVICES.redisCache, REDIS_PORT),
    ...model.apps.map((app) => policy(model, `allow-pomerium-to-${app.name}`, {
      podSelector: { matchLabels: selectorLabels(app.name) },
      policyTypes: ['Ingress'],
      ingress: [{ from: [pods(SERVICES.pomerium)], ports: [tcp(app.port)] }],
    })),
  ];
  return policies.map((p) => manifest('network-policies', p));
}
