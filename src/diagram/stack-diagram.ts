import { networksOf } from '../compose/compose-shape';
import type { StackModel } from '../model/deployment-model';
import { DATA_SERVICES, SERVICES } from '../model/stack-names';

/**
 * The deployment as a Mermaid flowchart (GitHub renders it): the browser, Traefik, Pomerium and
 * every route behind it, each network, the data services and their volumes. Drawn from the
 * rendered compose object (overrides included) and the model, so it follows the declaration.
 */


const id = (kind: string, name: string) => `${kind}_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
/** A quoted Mermaid label; `<br/>` breaks lines. */
const label = (...lines: string[]) => `"${lines.map((l) => l.replace(/"/g, '#quot;')).join('<br/>')}"`;

function listOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (value && typeof value === 'object') return Object.keys(value);
  return [];
}

/** Named-volume mounts of a service: `volume:/path[:ro]` strings whose source is not a path. */
function namedVolumes(service: Record<string, any>): Array<{ volume: string; target: string }> {
  const out: Array<{ volume: string; target: string }> = [];
  for (const v of service.volumes ?? []) {
    if (typeof v === 'string') {
      const [source, target] = v.split(':');
      if (target && !/^[./~]/.test(source)) out.push({ volume: source, target });
    } else if (v && typeof v === 'object' && v.type === 'volume' && v.source) {
      out.push({ volume: String(v.source), target: String(v.target) });
    }
  }
  return out;
}

export function renderStackDiagram(model: StackModel, compose: Record<string, any>): string[] {
  const services: Record<string, Record<string, any>> = compose.services ?? {};
  const networks: Record<string, Record<string, any> | null> = compose.networks ?? {};
  const lines: string[] = ['flowchart LR', '  browser(["Browser"])'];
  const node = (name: string, service: Record<string, any>) => {
    const text = label(name, String(service.image ?? ''));
    return DATA_SERVICES.includes(name) ? `${id('svc', name)}(${text})` : `${id('svc', name)}[${text}]`;
  };

  // A service on exactly one network is drawn inside it; one on several (Pomerium) outside, joined by dotted lines.
  const serviceNetworks = new Map(Object.entries(services).map(([name, s]) => [name, networksOf(s)]));
  // Compose's `default` network exists once a service (added by an override, say) names no network.
  const drawn = [...serviceNetworks.values()].some((nets) => nets.includes('default')) && !('default' in networks)
    ? { ...networks, default: null } : networks;
  const joins: string[] = [];
  for (const [net, config] of Object.entries(drawn)) {
    const kind = config?.external ? 'external' : config?.internal ? 'internal' : 'bridge';
    lines.push(`  subgraph ${id('net', net)}[${label(`network ${net} (${kind})`)}]`);
    if (net === model.traefik.network) {
      lines.push(`    traefik[${label('Traefik (runs outside this stack)', `entrypoint ${model.traefik.entrypoint}, resolver ${model.traefik.certResolver}`)}]`);
    }
    for (const [name, nets] of serviceNetworks) {
      if (nets.length === 1 && nets[0] === net) lines.push(`    ${node(name, services[name])}`);
      if (nets.length > 1 && nets.includes(net)) joins.push(`  ${id('svc', name)} -.- ${id('net', net)}`);
    }
    lines.push('  end');
  }
  for (const [name, nets] of serviceNetworks) if (nets.length !== 1) lines.push(`  ${node(name, services[name])}`);

  // Requests: the browser reaches Traefik on every public host, Traefik forwards them to Pomerium,
  // Pomerium to the route's upstream.
  const publicHosts = [...model.routes.map((r) => r.host), model.authenticateHost];
  lines.push(`  browser -->|${label(...publicHosts.map((h) => `https://${h}`))}| traefik`);
  lines.push(`  traefik -->|${label(`:${model.pomerium.port}`)}| ${id('svc', SERVICES.pomerium)}`);
  for (const route of model.routes) {
    const upstream = new URL(route.to).hostname;
    if (services[upstream]) lines.push(`  ${id('svc', SERVICES.pomerium)} -->|${label(route.host)}| ${id('svc', upstream)}`);
  }
  // depends_on between the stack's own services (Pomerium's is the route above).
  for (const [name, s] of Object.entries(services)) {
    if (name === SERVICES.pomerium) continue;
    for (const dep of listOf(s.depends_on)) if (services[dep]) lines.push(`  ${id('svc', name)} --> ${id('svc', dep)}`);
  }
  lines.push(...joins);
  // Volumes, each attached to the services that mount it.
  for (const volume of Object.keys(compose.volumes ?? {})) lines.push(`  ${id('vol', volume)}[(${label(`volume ${volume}`)})]`);
  for (const [name, s] of Object.entries(services)) {
    for (const { volume, target } of namedVolumes(s)) lines.push(`  ${id('svc', name)} ---|${label(target)}| ${id('vol', volume)}`);
  }
  return lines;
}

/** The runbook's opening picture, with a legend. */
export function stackDiagramSection(model: StackModel, compose: Record<string, any>): string[] {
  const onTraefikNetwork = Object.entries(compose.services ?? {})
    .filter(([, s]) => networksOf(s).includes(model.traefik.network)).map(([name]) => `\`${name}\``);
  return [
    '```mermaid',
    ...renderStackDiagram(model, compose),
    '```',
    '',
    'Arrows with host names are requests; arrows between services are start order (`depends_on`); dotted lines join'
    + ` a service to the networks it sits on besides its box; cylinders are named volumes. On Traefik's network: ${onTraefikNetwork.join(', ')}.`,
  ];
}
