import { adoptedRelease, AdoptionModel, resolveAdoption } from '../adopt/adoption-model';
import { DEFAULT_NETBOX_TAG, findNetboxRelease, NETBOX_RELEASES, NetboxRelease, netboxFeatures, netboxVersionText } from '../netbox/netbox-releases';
import { NetboxPomeriumProjectOptions } from '../netbox-pomerium-options';
import { claimHeader, metaKey } from './identity-headers';
import { checkIsolation } from './isolation';
import { DeclarationProblems } from './problems';
import { NETBOX_NETWORK, NETBOX_PORT, SERVICES } from './stack-names';
import {
  checkDockerName, checkDomainName, checkEmail, checkEnvName, checkEnvValue, checkHost, checkNetworkName,
  checkPinnedImage, checkPort, checkServiceName, checkToken, checkTraefikName, checkUnique,
} from './validators';
import { renderCompose } from '../compose/render-compose';
import { IdpProvider, idpGroupWarnings, resolveIdp } from '../pomerium/idp-provider';
import { Criteria, Matcher, Policy } from '../pomerium/policy';
import { secretSpecsFor, SecretSpec } from '../secrets/secret-specs';
import { renderStack } from '../swarm/render-stack';
import { buildSwarmModel, SwarmModel } from '../swarm/swarm-model';

export { NETBOX_DB, NETBOX_NETWORK, NETBOX_PORT, SECRETS_FILE, SERVICES, VOLUMES } from './stack-names';

export const DEFAULTS = {
  domain: 'netbox.example.org',
  traefikNetwork: 'traefik-proxy',
  traefikCertResolver: 'le',
  traefikEntrypoint: 'websecure',
  pomeriumPort: 8080,
  pomeriumImage: 'pomerium/pomerium:v0.33.1',
  idpProvider: IdpProvider.OIDC,
  placeholderIdpUrl: 'https://idp.example.org',
  placeholderClientId: 'replace-with-your-client-id',
  userClaim: 'email',
  groupsClaim: 'groups',
  firstNameClaim: 'given_name',
  lastNameClaim: 'family_name',
} as const;

/** Ports Pomerium uses itself inside its container (internal gRPC, health checks). */
const POMERIUM_RESERVED_PORTS = [5443, 28080];

/** A Pomerium route and the Traefik router in front of it. */
export interface RouteModel {
  /** Traefik router / service name. */
  readonly routerName: string;
  readonly host: string;
  readonly from: string;
  readonly to: string;
  readonly passIdentityHeaders: boolean;
  /** Rendered PPL. */
  readonly policy: readonly unknown[];
}

export interface AppModel {
  readonly name: string;
  readonly image: string;
  readonly port: number;
  readonly host: string;
  readonly network: string;
  readonly environment: Readonly<Record<string, string>>;
}

/** How the user's identity travels from Pomerium to NetBox. */
export interface IdentityModel {
  /** claim name → header name Pomerium sets (`jwt_claims_headers`, map form). */
  readonly claimHeaders: Readonly<Record<string, string>>;
  /** Header carrying the NetBox user name, and its Django META key. */
  readonly userHeader: string;
  readonly userMetaKey: string;
  /** Set when group sync is on. */
  readonly groupHeader?: string;
  readonly groupMetaKey?: string;
  /** META keys of the given/family name headers; set with group sync where NetBox reads them (3.4.9+). */
  readonly firstNameMetaKey?: string;
  readonly lastNameMetaKey?: string;
}

export interface NetboxModel {
  readonly release: NetboxRelease;
  readonly groupSync: boolean;
  readonly superusers: readonly string[];
  readonly superuserGroups: readonly string[];
  readonly defaultGroups: readonly string[];
  readonly extraEnvironment: Readonly<Record<string, string>>;
  readonly logoutRedirectUrl: string;
}

/** The whole deployment as plain, validated data. Every generated file is rendered from it. */
export interface StackModel {
  readonly projectName: string;
  readonly domain: string;
  readonly publicUrl: string;
  readonly authenticateHost: string;
  readonly authenticateUrl: string;
  readonly callbackUrl: string;
  readonly idp: {
    readonly provider: IdpProvider;
    readonly providerUrl?: string;
    readonly clientId: string;
  };
  readonly traefik: {
    readonly network: string;
    readonly certResolver: string;
    readonly entrypoint: string;
  };
  readonly pomerium: {
    readonly image: string;
    readonly port: number;
  };
  readonly identity: IdentityModel;
  readonly netbox: NetboxModel;
  readonly routes: readonly RouteModel[];
  readonly apps: readonly AppModel[];
  readonly secrets: readonly SecretSpec[];
  readonly swarm: boolean;
  /** How the Swarm stack runs (validated even while `swarm` is off). */
  readonly swarmSettings: SwarmModel;
  readonly composeOverrides: Readonly<Record<string, unknown>>;
  readonly allowBypass: boolean;
  readonly allowPostgresUpgrade: boolean;
  /** What `npx projen adopt` took over from an old deployment (project name, volumes, Postgres, claim). */
  readonly adoption?: AdoptionModel;
  /** Printed at every synthesis. */
  readonly warnings: readonly string[];
}

/**
 * Validates the options and derives the model. Collects every problem and throws once, so
 * nothing is written for a bad declaration.
 */
export function buildStackModel(options: NetboxPomeriumProjectOptions): StackModel {
  const p = new DeclarationProblems();
  const warnings: string[] = [];

  const declaredProjectName = composeProjectName(options.name);
  checkDockerName(p, 'name', declaredProjectName);

  const domain = options.domain ?? DEFAULTS.domain;
  checkHost(p, 'domain', domain);
  // Pomerium serves `/` of its authenticate host itself, so that host must not be a route's host
  // (NetBox's home page would show Pomerium's): a host of its own, by default below the domain.
  const authenticateHost = options.authenticateHost ?? `authenticate.${domain}`;
  if (options.authenticateHost !== undefined) checkHost(p, 'authenticateHost', authenticateHost);

  // Identity provider.
  const idp = resolveIdp(p, options, {
    provider: DEFAULTS.idpProvider, placeholderUrl: DEFAULTS.placeholderIdpUrl, placeholderClientId: DEFAULTS.placeholderClientId,
  }, warnings);

  // Traefik.
  const traefik = {
    network: options.traefikNetwork ?? DEFAULTS.traefikNetwork,
    certResolver: options.traefikCertResolver ?? DEFAULTS.traefikCertResolver,
    entrypoint: options.traefikEntrypoint ?? DEFAULTS.traefikEntrypoint,
  };
  checkNetworkName(p, 'traefikNetwork', traefik.network);
  checkTraefikName(p, 'traefikCertResolver', traefik.certResolver);
  checkTraefikName(p, 'traefikEntrypoint', traefik.entrypoint);

  // Pomerium.
  const pomerium = {
    image: options.pomeriumImage ?? DEFAULTS.pomeriumImage,
    port: options.pomeriumPort ?? DEFAULTS.pomeriumPort,
  };
  checkPinnedImage(p, 'pomeriumImage', pomerium.image);
  if (checkPort(p, 'pomeriumPort', pomerium.port) && POMERIUM_RESERVED_PORTS.includes(pomerium.port)) {
    p.add('pomeriumPort', 'conflicts with a port Pomerium uses itself', pomerium.port,
      `Choose another port; ${POMERIUM_RESERVED_PORTS.join(' and ')} are taken inside the Pomerium container.`);
  }

  // NetBox release and identity.
  const tag = options.netboxVersion ?? DEFAULT_NETBOX_TAG;
  const release = findNetboxRelease(tag);
  if (!release) {
    p.add('netboxVersion', 'is not a supported netbox-docker image tag', tag,
      `Use one of: ${NETBOX_RELEASES.map((r) => r.tag).join(', ')}.`);
  }
  // An adopted deployment keeps the old project name (so its volumes), Postgres and user claim.
  const adoption = resolveAdoption(p, options.adoption, release);
  const projectName = adoption?.projectName ?? declaredProjectName;
  const superusers = options.superusers ?? [];
  superusers.forEach((u, i) => checkEmail(p, `superusers[${i}]`, u));
  const superuserGroups = options.superuserGroups ?? [];
  superuserGroups.forEach((g, i) => checkToken(p, `superuserGroups[${i}]`, g, 'group id'));
  const defaultGroups = options.defaultGroups ?? [];
  defaultGroups.forEach((g, i) => checkToken(p, `defaultGroups[${i}]`, g, 'group name'));
  // Superusers are only applied by NetBox's group sync, so naming any turns it on.
  const groupSync = superusers.length > 0 || superuserGroups.length > 0;
  if (groupSync && defaultGroups.length > 0) {
    warnings.push('defaultGroups has no effect: superusers/superuserGroups turn on NetBox group sync, which takes groups from the IdP instead.');
  }
  const features = release ? netboxFeatures(release) : undefined;
  if (groupSync && features && !features.groupSync) {
    p.add(superusers.length > 0 ? 'superusers' : 'superuserGroups',
      `needs NetBox group sync, which NetBox ${netboxVersionText(release!)} (${release!.tag}) lacks`,
      superusers.length > 0 ? superusers : superuserGroups, 'Choose a release with NetBox 3.0.3 or newer (netboxVersion).');
  }
  if (features && !features.logoutRedirect) {
    warnings.push(`NetBox ${netboxVersionText(release!)} has no LOGOUT_REDIRECT_URL: its logout cannot end the Pomerium session, `
      + `so the next request logs the user in again. Sign out at ${`https://${domain}`}/.pomerium/sign_out instead.`);
  }
  warnings.push(...idpGroupWarnings(idp.provider, {
    namedGroups: [...(options.allowedGroups ?? []).map((g, i) => [`allowedGroups[${i}]`, g] as const),
      ...superuserGroups.map((g, i) => [`superuserGroups[${i}]`, g] as const)],
    groupSync,
  }));

  const identity = identityModel(adoption?.userClaim ?? DEFAULTS.userClaim, idp.groupsClaim ?? DEFAULTS.groupsClaim, groupSync,
    features?.userProfileHeaders ?? false);

  const extraEnvironment = options.netboxEnvironment ?? {};
  for (const [name, value] of Object.entries(extraEnvironment)) {
    checkEnvName(p, `netboxEnvironment.${name}`, name);
    checkEnvValue(p, `netboxEnvironment.${name}`, value);
  }

  const publicUrl = `https://${domain}`;
  const authenticateUrl = `https://${authenticateHost}`;

  // Policy: the allowed* flags (any match) plus the full policy.
  const basePolicy = renderDeclaredPolicy(p, options, idp.groupsClaim ?? DEFAULTS.groupsClaim, warnings);
  const routes: RouteModel[] = [];
  const routerBase = routerName(declaredProjectName);
  routes.push({
    routerName: routerBase,
    host: domain,
    from: publicUrl,
    to: `http://${SERVICES.netbox}:${NETBOX_PORT}`,
    passIdentityHeaders: true,
    policy: basePolicy,
  });

  // Other protected apps.
  const apps: AppModel[] = [];
  (options.apps ?? []).forEach((app, i) => {
    const path = `apps[${i}]`;
    checkServiceName(p, `${path}.name`, app.name);
    checkPinnedImage(p, `${path}.image`, app.image);
    checkPort(p, `${path}.port`, app.port);
    checkHost(p, `${path}.host`, app.host);
    for (const [name, value] of Object.entries(app.environment ?? {})) {
      checkEnvName(p, `${path}.environment.${name}`, name);
      checkEnvValue(p, `${path}.environment.${name}`, value);
    }
    apps.push({
      name: app.name,
      image: app.image,
      port: app.port,
      host: app.host,
      network: `${app.name}-internal`,
      environment: app.environment ?? {},
    });
    routes.push({
      routerName: `${routerBase}-${app.name}`,
      host: app.host,
      from: `https://${app.host}`,
      to: `http://${app.name}:${app.port}`,
      passIdentityHeaders: app.passIdentityHeaders ?? true,
      policy: app.policy ? renderPolicy(p, app.policy, `${path}.policy`, warnings) : basePolicy,
    });
  });
  checkUnique(p, [['domain', domain], ...apps.map((a, i) => [`apps[${i}].host`, a.host] as const)], 'host',
    'Give every app its own host name.');
  const routeHosts = [domain, ...apps.map((a) => a.host)].map((h) => h.toLowerCase());
  if (routeHosts.includes(authenticateHost.toLowerCase())) {
    p.add('authenticateHost', 'is also the host of a route', authenticateHost,
      `Pomerium answers \`/\` on its authenticate host itself, so that page would never reach the app. Give it a host of its own, such as "authenticate.${domain}".`);
  }
  checkUnique(p, [...Object.values(SERVICES).map((s) => [`(service ${s})`, s] as const),
    ...apps.map((a, i) => [`apps[${i}].name`, a.name] as const)], 'name', 'Rename the app; the generated services already use this name.');
  // The proxy network must not be one of the internal networks, or NetBox would sit on it.
  checkUnique(p, [[`(internal network ${NETBOX_NETWORK})`, NETBOX_NETWORK],
    ...apps.map((a, i) => [`(internal network of apps[${i}])`, a.network] as const), ['traefikNetwork', traefik.network]], 'name',
  'Name the external network Traefik watches; the generated internal networks must stay separate from it.');
  if (options.dangerouslyAllowNetboxBypassingPomerium) {
    warnings.push('dangerouslyAllowNetboxBypassingPomerium is set: the isolation checks are off. NetBox logs in whoever the '
      + 'identity header names, so anyone who reaches it without passing Pomerium can become any user. Remove the option '
      + 'unless this is an isolated test setup.');
  }

  const swarmSettings = buildSwarmModel(p, options, { netbox: SERVICES.netbox, worker: SERVICES.worker, pomerium: SERVICES.pomerium }, warnings);

  // With an unknown tag the model is still rendered once, for the isolation check below.
  const netboxRelease = adoptedRelease(release ?? findNetboxRelease(DEFAULT_NETBOX_TAG)!, adoption);

  const model: StackModel = {
    projectName,
    domain,
    publicUrl,
    authenticateHost,
    authenticateUrl,
    callbackUrl: `${authenticateUrl}/oauth2/callback`,
    idp: { provider: idp.provider, providerUrl: idp.providerUrl, clientId: idp.clientId },
    traefik,
    pomerium,
    identity,
    netbox: {
      release: netboxRelease,
      groupSync,
      superusers,
      superuserGroups,
      defaultGroups,
      extraEnvironment,
      // NetBox's own logout would be undone by the next request's header: end the Pomerium session.
      logoutRedirectUrl: `${publicUrl}/.pomerium/sign_out`,
    },
    routes,
    apps,
    secrets: secretSpecsFor(netboxRelease),
    swarm: options.swarm ?? false,
    swarmSettings,
    composeOverrides: options.composeOverrides ?? {},
    allowBypass: options.dangerouslyAllowNetboxBypassingPomerium ?? false,
    allowPostgresUpgrade: options.allowPostgresUpgrade ?? false,
    adoption,
    warnings,
  };
  // Isolation is judged on the rendered compose file (overrides included), and reported together
  // with every other problem.
  for (const service of Object.values(SERVICES)) {
    if (model.composeOverrides[`services.${service}`] === null) {
      p.add(`composeOverrides["services.${service}"]`, 'removes a generated service', null,
        'Remove the override; the stack needs every generated service.');
    }
  }
  try {
    const compose = renderCompose(model);
    checkIsolation(p, model, compose);
    // The Swarm stack is derived from the compose file; what only it can get wrong is reported here too.
    if (model.swarm) checkIsolation(p, model, renderStack(model, compose, p));
  } catch (e) {
    // Rendering a declaration that already has problems may fail; those problems are the news.
    if (p.isEmpty) throw e;
  }
  p.throwIfAny();
  return model;
}

/**
 * The rendered PPL of the `allowed*` options (one allow rule: any of them matches) followed by the
 * rules of `policy`. Each part is checked under its own option path.
 */
function renderDeclaredPolicy(p: DeclarationProblems, options: NetboxPomeriumProjectOptions, groupsClaim: string,
  warnings: string[]): unknown[] {
  const criteria: Criteria[] = [];
  (options.allowedDomains ?? []).forEach((d, i) => {
    if (checkDomainName(p, `allowedDomains[${i}]`, d)) criteria.push(Criteria.domain(d));
  });
  (options.allowedGroups ?? []).forEach((g, i) => {
    if (checkToken(p, `allowedGroups[${i}]`, g, 'group id')) criteria.push(Criteria.claim(groupsClaim, Matcher.has(g)));
  });
  (options.allowedEmails ?? []).forEach((e, i) => {
    if (checkEmail(p, `allowedEmails[${i}]`, e)) criteria.push(Criteria.email(e));
  });
  const fromFlags = criteria.length > 0 ? Policy.allow(Criteria.or(...criteria)) : Policy.nobody();
  const declared = options.policy ?? Policy.nobody();
  if (fromFlags.isEmpty && declared.isEmpty) {
    warnings.push('The policy is empty, so Pomerium lets nobody in. Set allowedDomains, allowedEmails, allowedGroups or policy in .projenrc.ts.');
  }
  return [...fromFlags._render(p, '(allowed* options)'), ...renderPolicy(p, declared, 'policy', warnings, !fromFlags.isEmpty)];
}

/** A declared policy as PPL, with warnings about policies that let nobody, or anybody, in. */
function renderPolicy(p: DeclarationProblems, policy: Policy, path: string, warnings: string[], otherAllowRules = false): unknown[] {
  if (!policy.isEmpty && !policy.hasAllowRule && !otherAllowRules) {
    warnings.push(`${path} has deny rules only, so Pomerium lets nobody in. Add an allow rule (Policy.allow) or allowed* options.`);
  }
  if (policy._allowsAnonymous) {
    warnings.push(`${path} allows requests without a login (Criteria.accept()): the app behind it is public. `
      + 'Use Criteria.authenticatedUser() to require a login.');
  }
  return policy._render(p, path);
}

/**
 * The claim headers Pomerium sends and the META keys NetBox reads: always the user's e-mail; with
 * group sync also the groups claim and, where NetBox reads them, the given and family names.
 * Header names are dash-only (see claimHeader).
 */
function identityModel(userClaim: string, groupsClaim: string, groupSync: boolean, profileHeaders: boolean): IdentityModel {
  const claimHeaders: Record<string, string> = { [userClaim]: claimHeader(userClaim) };
  if (groupSync) {
    claimHeaders[groupsClaim] = claimHeader(groupsClaim);
    if (profileHeaders) {
      claimHeaders[DEFAULTS.firstNameClaim] = claimHeader(DEFAULTS.firstNameClaim);
      claimHeaders[DEFAULTS.lastNameClaim] = claimHeader(DEFAULTS.lastNameClaim);
    }
  }
  const optionalHeader = (claim: string) => (claimHeaders[claim] ? { header: claimHeaders[claim], meta: metaKey(claimHeaders[claim]) } : undefined);
  const groups = optionalHeader(groupsClaim);
  const firstName = optionalHeader(DEFAULTS.firstNameClaim);
  const lastName = optionalHeader(DEFAULTS.lastNameClaim);
  return {
    claimHeaders,
    userHeader: claimHeaders[userClaim],
    userMetaKey: metaKey(claimHeaders[userClaim]),
    groupHeader: groups?.header,
    groupMetaKey: groups?.meta,
    firstNameMetaKey: firstName?.meta,
    lastNameMetaKey: lastName?.meta,
  };
}

/** Compose project names are lower-case; npm scopes and odd characters are dropped. */
export function composeProjectName(name: string): string {
  return String(name ?? '').replace(/^@[^/]+\//, '').toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[-_]+|[-_]+$/g, '');
}

function routerName(projectName: string): string {
  return projectName.replace(/[^a-z0-9-]/g, '-');
}
