import { DeclarationProblems } from './problems';
import { NETBOX_NETWORK, SERVICES, StackModel } from './stack-model';
import { ComposeObject } from '../compose/render-compose';

const RISK = 'NetBox logs in whoever the identity header names, so anyone who reaches it without passing Pomerium can become any user.';
const OPT_OUT = 'Remove it, or (only for an isolated test setup) set dangerouslyAllowNetboxBypassingPomerium: true.';

/**
 * The services that must be reachable only through Pomerium: NetBox trusts the identity header,
 * and the data services hold its secrets.
 */
export function protectedServices(model: StackModel): string[] {
  return [SERVICES.netbox, SERVICES.worker, SERVICES.housekeeping, SERVICES.postgres, SERVICES.redis, SERVICES.redisCache,
    ...model.apps.map((a) => a.name)];
}

/**
 * Checks the final compose object (after overrides) for any way around Pomerium: published
 * ports, host networking, Traefik labels, membership of the proxy network, a non-internal NetBox
 * network.
 */
export function checkIsolation(p: DeclarationProblems, model: StackModel, compose: ComposeObject): void {
  if (model.allowBypass) return;
  const services = compose.services ?? {};
  for (const name of protectedServices(model)) {
    const svc = services[name];
    if (!svc) continue;
    const path = `composeOverrides (services.${name})`;
    if (svc.ports !== undefined) p.add(`${path}.ports`, `publishes a port of a service behind Pomerium. ${RISK}`, svc.ports, OPT_OUT);
    if (svc.network_mode !== undefined) {
      p.add(`${path}.network_mode`, `takes the service off its private network. ${RISK}`, svc.network_mode, OPT_OUT);
    }
    for (const labels of [svc.labels, svc.deploy?.labels]) {
      const keys = Array.isArray(labels) ? labels.map((l: string) => String(l).split('=')[0]) : Object.keys(labels ?? {});
      const traefik = keys.filter((k) => k.startsWith('traefik.'));
      if (traefik.length > 0) p.add(`${path}.labels`, `routes Traefik straight to a service behind Pomerium. ${RISK}`, traefik, OPT_OUT);
    }
    const networks = Array.isArray(svc.networks) ? svc.networks : Object.keys(svc.networks ?? {});
    if (networks.includes(model.traefik.network)) {
      p.add(`${path}.networks`, `joins the Traefik network "${model.traefik.network}". ${RISK}`, networks, OPT_OUT);
    }
  }
  const internal = compose.networks?.[NETBOX_NETWORK]?.internal;
  if (internal !== true) {
    p.add(`composeOverrides (networks.${NETBOX_NETWORK}.internal)`, `makes NetBox's network reachable from outside Docker. ${RISK}`,
      internal, OPT_OUT);
  }
  const pomerium = services[SERVICES.pomerium];
  if (pomerium?.ports !== undefined) {
    p.add(`composeOverrides (services.${SERVICES.pomerium}.ports)`, 'publishes Pomerium without Traefik\'s TLS', pomerium.ports,
      'Let Traefik reach Pomerium over the proxy network; remove the port.');
  }
}
