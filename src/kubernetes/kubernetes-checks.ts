import type { LabelSelector } from 'kubernetes-types/meta/v1';
import type { NetworkPolicy, NetworkPolicyPeer } from 'kubernetes-types/networking/v1';
import type { K8sManifest, K8sObject, TraefikIngressRoute } from './k8s-objects';
import { HEADER_SPOOFING_RISK, protectedServices } from '../checks/isolation';
import type { StackModel } from '../model/deployment-model';
import type { DeclarationProblems } from '../model/problems';
import { NETBOX_PORT, SERVICES } from '../model/stack-names';

const BUG = 'The generator emitted it; please report this as a bug (or set dangerouslyAllowNetboxBypassingPomerium: true for an isolated test setup).';

/** Whether a label selector (matchLabels and matchExpressions) selects these labels. An empty selector selects all. */
export function selects(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return false;
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpression = (selector.matchExpressions ?? []).every((e) => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In': return has && (e.values ?? []).includes(labels[e.key]);
      case 'NotIn': return !has || !(e.values ?? []).includes(labels[e.key]);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
      default: return false;
    }
  });
  return byLabel && byExpression;
}

/** Each workload's name, kind and pod template labels. */
export function podTemplates(objects: readonly K8sObject[]): Array<{ name: string; kind: string; labels: Record<string, string> }> {
  return objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet').map((o: any) => ({
    name: o.metadata.name, kind: o.kind, labels: o.spec?.template?.metadata?.labels ?? {},
  }));
}

/**
 * The isolation rules, checked on the manifests themselves (what `kubectl apply` would create):
 * Traefik's routes lead only to Pomerium; no Service of a pod behind Pomerium is reachable from
 * outside the cluster (LoadBalancer, NodePort, externalIPs); NetBox's pods are isolated by a
 * policy and only Pomerium's pods may reach NetBox's port.
 */
export function checkKubernetesIsolation(p: DeclarationProblems, model: StackModel, manifests: readonly K8sManifest[]): void {
  if (model.allowBypass) return;
  const objects = manifests.map((m) => m.object);
  const pathOf = (o: K8sObject) => `kubernetes (${manifests.find((m) => m.object === o)!.path})`;
  const templates = podTemplates(objects);
  const pomerium = templates.filter((t) => t.name === SERVICES.pomerium);
  const protectedNames = new Set<string>(protectedServices(model));
  const protectedPods = templates.filter((t) => protectedNames.has(t.name));

  for (const route of objects.filter((o): o is TraefikIngressRoute => o.kind === 'IngressRoute')) {
    for (const r of route.spec.routes) {
      const others = r.services.filter((s) => s.name !== SERVICES.pomerium).map((s) => s.name);
      if (others.length > 0) {
        p.add(pathOf(route), `routes ${r.match} to a Service other than Pomerium. ${HEADER_SPOOFING_RISK}`, others, BUG);
      }
    }
  }

  for (const service of objects.filter((o) => o.kind === 'Service') as any[]) {
    const exposed = ['LoadBalancer', 'NodePort'].includes(service.spec?.type) || (service.spec?.externalIPs ?? []).length > 0;
    const reaches = protectedPods.filter((t) => selects({ matchLabels: service.spec?.selector ?? {} }, t.labels) && service.spec?.selector);
    if (exposed && reaches.length > 0) {
      p.add(pathOf(service), `exposes ${reaches.map((t) => t.name).join(', ')} outside the cluster. ${HEADER_SPOOFING_RISK}`,
        service.spec.type, BUG);
    }
  }

  const policies = objects.filter((o) => o.kind === 'NetworkPolicy') as NetworkPolicy[];
  const netbox = templates.find((t) => t.name === SERVICES.netbox);
  if (!netbox) return;
  const onNetbox = policies.filter((np) => selects(np.spec?.podSelector, netbox.labels)
    && (np.spec?.policyTypes ?? ['Ingress']).includes('Ingress'));
  if (onNetbox.length === 0) {
    p.add('kubernetes', `emits no network policy that isolates NetBox's pods. ${HEADER_SPOOFING_RISK}`, policies.map((np) => np.metadata?.name), BUG);
  }
  // Only peers that are Pomerium's pods in the same namespace may be let in (any port: NetBox has one).
  const onlyPomerium = (peer: NetworkPolicyPeer) => peer.ipBlock === undefined && peer.namespaceSelector === undefined
    && peer.podSelector !== undefined && pomerium.length > 0 && templates.every((t) => selects(peer.podSelector, t.labels) === pomerium.includes(t));
  for (const np of onNetbox) {
    for (const rule of np.spec?.ingress ?? []) {
      const from = rule.from ?? [];
      if (from.length === 0 || !from.every(onlyPomerium)) {
        p.add(pathOf(np), `lets ${from.length === 0 ? 'every pod and address' : 'pods other than Pomerium'} reach NetBox's port ${NETBOX_PORT}. `
          + HEADER_SPOOFING_RISK, from, BUG);
      }
    }
  }
}
