import { DEFAULTS } from './defaults';
import type { AppModel, RouteModel, StackModel } from './deployment-model';
import type { DeclarationProblems } from './problems';
import { BREAK_GLASS, DATA_SERVICES, EGRESS_NETWORK, NETBOX_NETWORK, NETBOX_PORT, SERVICES } from './stack-names';
import { checkDockerName, checkHost, checkUnique } from './validators';
import { resolveAdoption } from '../adopt/adoption-model';
import { resolveApiAccess } from '../api/api-access';
import { resolveApps } from '../apps/apps-resolve';
import { resolveBackups } from '../backup/backup-model';
import { resolveEgress } from '../egress/egress-resolve';
import { resolveUserLifecycle } from '../identity/user-lifecycle';
import { resolveKubernetes } from '../kubernetes/kubernetes-resolve';
import { DEFAULT_NETBOX_TAG, findNetboxRelease } from '../netbox/netbox-releases';
import { resolveNetbox } from '../netbox/netbox-resolve';
import type { NetboxPomeriumProjectOptions } from '../netbox-pomerium-options';
import { resolvePlugins } from '../plugins/plugins-resolve';
import { resolveIdp } from '../pomerium/idp-provider';
import { resolveDeclaredPolicy, resolvePomerium } from '../pomerium/pomerium-resolve';
import { secretSpecsFor } from '../secrets/secret-specs';
import { resolveUserSecrets } from '../secrets/user-secrets';
import { buildSwarmModel } from '../swarm/swarm-model';
import { resolveTraefik } from '../traefik/traefik-resolve';

/**
 * Validates the options and derives the model, adding every problem to `p` (the caller throws
 * once, after the rendered files are checked too). Each domain resolves its own slice; the order
 * of the calls is the order of the problems and warnings a user reads.
 */
export function buildModel(p: DeclarationProblems, options: NetboxPomeriumProjectOptions): StackModel {
  const warnings: string[] = [];
  const declaredProjectName = composeProjectName(options.name);
  checkDockerName(p, 'name', declaredProjectName);
  const hosts = resolveHosts(p, options);
  const idp = resolveIdp(p, options, {
    provider: DEFAULTS.idpProvider, placeholderUrl: DEFAULTS.placeholderIdpUrl, placeholderClientId: DEFAULTS.placeholderClientId,
  }, warnings);
  const traefik = resolveTraefik(p, options);
  const pomerium = resolvePomerium(p, options);
  // An adopted deployment keeps the old project name (so its volumes), Postgres and user claim.
  const adoption = resolveAdoption(p, options.adoption, findNetboxRelease(options.netboxVersion ?? DEFAULT_NETBOX_TAG));
  const projectName = adoption?.projectName ?? declaredProjectName;
  const { netbox, identity } = resolveNetbox(p, options, hosts.publicUrl, idp, warnings, adoption);
  const lifecycle = resolveUserLifecycle(p, options, idp.provider, warnings);
  const api = resolveApiAccess(p, options);

  const basePolicy = resolveDeclaredPolicy(p, options, idp.groupsClaim ?? DEFAULTS.groupsClaim, warnings);
  const routerBase = routerName(declaredProjectName);
  const netboxRoute: RouteModel = {
    routerName: routerBase,
    host: hosts.domain,
    from: hosts.publicUrl,
    to: `http://${SERVICES.netbox}:${NETBOX_PORT}`,
    passIdentityHeaders: true,
    policy: basePolicy,
  };
  const { apps, routes: appRoutes } = resolveApps(p, options, routerBase, basePolicy, warnings);
  checkNamesApart(p, hosts, apps, traefik.network);
  const serviceNames = [...Object.values(SERVICES).filter((s) => s !== SERVICES.housekeeping || netbox.release.housekeeping),
    ...apps.map((a) => a.name)];
  const { egress, impliedSecrets } = resolveEgress(p, options, serviceNames, warnings);
  const userSecrets = resolveUserSecrets(p, options, impliedSecrets,
    serviceNames.filter((s) => s !== SERVICES.pomerium && !DATA_SERVICES.includes(s)));
  if (options.dangerouslyAllowNetboxBypassingPomerium) {
    warnings.push('dangerouslyAllowNetboxBypassingPomerium is set: the isolation checks are off. NetBox logs in whoever the '
      + 'identity header names, so anyone who reaches it without passing Pomerium can become any user. Remove the option '
      + 'unless this is an isolated test setup.');
  }
  const plugins = resolvePlugins(p, options, netbox.release, userSecrets, warnings);
  const backups = resolveBackups(p, options);
  const swarmSettings = buildSwarmModel(p, options, { netbox: SERVICES.netbox, worker: SERVICES.worker, pomerium: SERVICES.pomerium }, warnings);
  const kubernetes = resolveKubernetes(p, options, projectName, warnings);

  return {
    projectName,
    ...hosts,
    idp: { provider: idp.provider, providerUrl: idp.providerUrl, clientId: idp.clientId },
    traefik,
    pomerium,
    identity,
    netbox,
    api,
    routes: [netboxRoute, ...appRoutes],
    apps,
    secrets: secretSpecsFor(netbox.release),
    egress,
    userSecrets,
    swarm: options.swarm ?? false,
    swarmSettings,
    kubernetes,
    composeOverrides: options.composeOverrides ?? {},
    allowBypass: options.dangerouslyAllowNetboxBypassingPomerium ?? false,
    allowPostgresUpgrade: options.allowPostgresUpgrade ?? false,
    backups,
    lifecycle,
    plugins,
    adoption,
    warnings,
  };
}

interface Hosts {
  readonly domain: string;
  readonly publicUrl: string;
  readonly authenticateHost: string;
  readonly authenticateUrl: string;
  readonly callbackUrl: string;
}

/**
 * NetBox's host and Pomerium's authenticate host. Pomerium serves `/` of its authenticate host
 * itself, so that host must not be a route's host (NetBox's home page would show Pomerium's): a
 * host of its own, by default below the domain.
 */
function resolveHosts(p: DeclarationProblems, options: NetboxPomeriumProjectOptions): Hosts {
  const domain = options.domain ?? DEFAULTS.domain;
  checkHost(p, 'domain', domain);
  const authenticateHost = options.authenticateHost ?? `authenticate.${domain}`;
  if (options.authenticateHost !== undefined) checkHost(p, 'authenticateHost', authenticateHost);
  const authenticateUrl = `https://${authenticateHost}`;
  return { domain, publicUrl: `https://${domain}`, authenticateHost, authenticateUrl, callbackUrl: `${authenticateUrl}/oauth2/callback` };
}

/** Hosts, service names and networks that must differ from each other. */
function checkNamesApart(p: DeclarationProblems, hosts: Hosts, apps: readonly AppModel[], traefikNetwork: string): void {
  const { domain, authenticateHost } = hosts;
  checkUnique(p, [['domain', domain], ...apps.map((a, i) => [`apps[${i}].host`, a.host] as const)], 'host',
    'Give every app its own host name.');
  const routeHosts = [domain, ...apps.map((a) => a.host)].map((h) => h.toLowerCase());
  if (routeHosts.includes(authenticateHost.toLowerCase())) {
    p.add('authenticateHost', 'is also the host of a route', authenticateHost,
      `Pomerium answers \`/\` on its authenticate host itself, so that page would never reach the app. Give it a host of its own, such as "authenticate.${domain}".`);
  }
  checkUnique(p, [...[...Object.values(SERVICES), BREAK_GLASS.service].map((s) => [`(service ${s})`, s] as const),
    ...apps.map((a, i) => [`apps[${i}].name`, a.name] as const)], 'name', 'Rename the app; the generated services already use this name.');
  // The proxy network must not be one of the internal networks, or NetBox would sit on it.
  checkUnique(p, [[`(internal network ${NETBOX_NETWORK})`, NETBOX_NETWORK],
    ...apps.map((a, i) => [`(internal network of apps[${i}])`, a.network] as const), [`(egress network ${EGRESS_NETWORK})`, EGRESS_NETWORK],
    ['traefikNetwork', traefikNetwork]], 'name',
  'Name the external network Traefik watches; the generated internal networks must stay separate from it.');
}

/** Compose project names are lower-case; npm scopes and odd characters are dropped. */
export function composeProjectName(name: string): string {
  return String(name ?? '').replace(/^@[^/]+\//, '').toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[-_]+|[-_]+$/g, '');
}

function routerName(projectName: string): string {
  return projectName.replace(/[^a-z0-9-]/g, '-');
}
