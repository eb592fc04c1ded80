import { keyValueMap, networksOf } from '../compose/compose-shape';
import type { ComposeObject } from '../compose/render-compose';
import { optionOfSetting } from '../egress/egress-resolve';
import type { StackModel } from '../model/deployment-model';
import { DeclarationProblems } from '../model/problems';
import { DATA_SERVICES, FILES, NETBOX_CODE_SERVICES, NETBOX_NETWORK, SERVICES } from '../model/stack-names';
import { netboxSettings } from '../netbox/netbox-settings';
import { namesSecret, userSecretVariables } from '../secrets/user-secrets';

/** Why NetBox must be reachable only through Pomerium; part of every isolation message. */
export const HEADER_SPOOFING_RISK = 'NetBox logs in whoever the identity header names, so anyone who reaches it without '
  + 'passing Pomerium can send that header and become any user, admins included.';
const OPT_OUT = 'Remove it, or (only for an isolated test setup) set dangerouslyAllowNetboxBypassingPomerium: true.';
const EGRESS_OPT_OUT = 'Remove the network from the service; give it its own network to reach what it needs, or set isolated: true '
  + 'to keep NetBox off the egress network. Only for an isolated test setup: dangerouslyAllowNetboxBypassingPomerium: true.';

const IDENTITY_FIX = 'Remove it: the REMOTE_AUTH_* settings derive from the declaration (superusers, superuserGroups, defaultGroups). '
  + 'Only for an isolated test setup: dangerouslyAllowNetboxBypassingPomerium: true.';


/** NetBox settings that decide whom NetBox believes; only the declaration may set them. */
const IDENTITY_SETTING = /^REMOTE_AUTH_/;

/**
 * The services that must be reachable only through Pomerium: NetBox trusts the identity header,
 * the data services hold its secrets, and a protected app may trust the headers too.
 */
export function protectedServices(model: StackModel): string[] {
  return [...NETBOX_CODE_SERVICES, ...DATA_SERVICES, ...model.apps.map((a) => a.name)];
}

/** The networks only Pomerium and protected services may share. */
export function internalNetworks(model: StackModel): string[] {
  return [NETBOX_NETWORK, ...model.apps.map((a) => a.network)];
}

/**
 * Checks the final compose object (after `composeOverrides`) for any way around Pomerium:
 * published ports, host networking, Traefik labels, a non-internal or proxy network, a service
 * that bridges an internal network to the outside, identity settings changed behind the
 * declaration's back, and a router that no longer strips the identity headers. Everything but
 * plain conflicts is allowed by `dangerouslyAllowNetboxBypassingPomerium`.
 */
export function checkIsolation(p: DeclarationProblems, model: StackModel, compose: ComposeObject): void {
  checkNetboxEnvironment(p, model, compose);
  if (model.allowBypass) return;
  const services: Record<string, any> = compose.services ?? {};
  const declaredNetworks: Record<string, any> = compose.networks ?? {};
  const { names, networks } = protectedClosure(model, services);

  for (const name of names) checkProtectedService(p, model, name, services[name], declaredNetworks);
  for (const network of networks) checkInternalNetwork(p, model, network, declaredNetworks[network]);

  const pomerium = services[SERVICES.pomerium];
  if (pomerium?.ports !== undefined) {
    p.add(overridePath(`services.${SERVICES.pomerium}.ports`),
      'publishes Pomerium around Traefik, without TLS and without the router that strips identity headers', pomerium.ports,
      'Let Traefik reach Pomerium over the proxy network; remove the port.');
  }
  if (pomerium && model.egress.network && networksOf(pomerium).includes(model.egress.network)) {
    p.add(overridePath(`services.${SERVICES.pomerium}.networks`), `joins the egress network "${model.egress.network}", which only `
      + `${model.egress.members.join(' and ')} may join; Pomerium reaches the IdP over Traefik's network. ${HEADER_SPOOFING_RISK}`,
    networksOf(pomerium), EGRESS_OPT_OUT);
  }
  if (pomerium) checkHeaderStripping(p, model, pomerium);
}

/** One service behind Pomerium: no published port, host networking, Traefik label, foreign network or identity setting. */
function checkProtectedService(p: DeclarationProblems, model: StackModel, name: string, svc: any, declaredNetworks: Record<string, any>): void {
  const at = (key: string) => overridePath(`services.${name}.${key}`);
  if (svc.ports !== undefined && !(Array.isArray(svc.ports) && svc.ports.length === 0)) {
    p.add(at('ports'), `publishes a port of a service behind Pomerium. ${HEADER_SPOOFING_RISK}`, svc.ports, OPT_OUT);
  }
  if (svc.network_mode !== undefined && svc.network_mode !== 'none') {
    p.add(at('network_mode'), `takes the service off its internal network. ${HEADER_SPOOFING_RISK}`, svc.network_mode, OPT_OUT);
  }
  for (const [key, labels] of [['labels', svc.labels], ['deploy.labels', svc.deploy?.labels]] as const) {
    const traefik = Object.keys(keyValueMap(labels)).filter((k) => k.toLowerCase().startsWith('traefik.'));
    if (traefik.length > 0) {
      p.add(at(key), `lets Traefik route straight to a service behind Pomerium. ${HEADER_SPOOFING_RISK}`, traefik, OPT_OUT);
    }
  }
  for (const network of networksOf(svc)) {
    const definition = declaredNetworks[network];
    if (network === model.traefik.network || definition?.name === model.traefik.network) {
      p.add(at('networks'), `joins the Traefik network "${model.traefik.network}". ${HEADER_SPOOFING_RISK}`, networksOf(svc), OPT_OUT);
    } else if (network === model.egress.network && definition !== undefined) {
      if (!model.egress.members.includes(name)) {
        p.add(at('networks'), `joins the egress network "${network}", which only ${model.egress.members.join(' and ')} may join: `
          + `anything else on it could reach NetBox without passing Pomerium${DATA_SERVICES.includes(name) ? ', and a data service would reach outside' : ''}. `
          + HEADER_SPOOFING_RISK, networksOf(svc), EGRESS_OPT_OUT);
      }
    } else if (definition?.internal !== true || definition?.external === true) {
      p.add(at('networks'), `joins the network "${network}", which is not internal. ${HEADER_SPOOFING_RISK}`, networksOf(svc), OPT_OUT);
    }
  }
  if (NETBOX_CODE_SERVICES.includes(name)) {
    // A user secret of that name is reported under userSecrets (checkUserSecretNames).
    const fromSecrets = new Set(userSecretVariables(model.userSecrets, name).map(([variable]) => variable));
    const identity = Object.keys(keyValueMap(svc.environment)).filter((k) => IDENTITY_SETTING.test(k) && !fromSecrets.has(k));
    if (identity.length > 0) {
      p.add(at('environment'), `changes which identity header NetBox trusts. ${HEADER_SPOOFING_RISK}`, identity,
        IDENTITY_FIX);
    }
  }
}

/** One network of the services behind Pomerium: declared, internal, Compose's own, and never Traefik's. */
function checkInternalNetwork(p: DeclarationProblems, model: StackModel, network: string, definition: any): void {
  const at = (key: string) => overridePath(`networks.${network}.${key}`);
  if (definition === undefined && internalNetworks(model).includes(network)) {
    p.add(overridePath(`networks.${network}`), `removes the internal network of services behind Pomerium. ${HEADER_SPOOFING_RISK}`,
      definition, OPT_OUT);
  }
  // An undeclared network (Compose's `default`) and the proxy network are reported on the service that joins them.
  if (definition === undefined || network === model.traefik.network) return;
  const egress = network === model.egress.network;
  if (egress && definition.name === model.traefik.network) {
    p.add(at('name'), `makes the egress network the Traefik network, so Traefik could reach NetBox directly. ${HEADER_SPOOFING_RISK}`,
      definition.name, OPT_OUT);
  }
  if (egress && definition.external !== true) return;
  if (egress) {
    p.add(at('external'), `replaces the egress network by one Compose does not control, which other services may join. ${HEADER_SPOOFING_RISK}`,
      true, OPT_OUT);
    return;
  }
  if (definition.internal !== true) {
    p.add(at('internal'), `makes the network of services behind Pomerium reachable from outside Docker. ${HEADER_SPOOFING_RISK}`,
      definition.internal, OPT_OUT);
  }
  if (definition.external === true) {
    p.add(at('external'), `replaces the internal network by one Compose does not control. ${HEADER_SPOOFING_RISK}`, true, OPT_OUT);
  }
  if (definition.name === model.traefik.network) {
    p.add(at('name'), `makes the internal network the Traefik network. ${HEADER_SPOOFING_RISK}`, definition.name, OPT_OUT);
  }
}

/**
 * Every Traefik router in front of Pomerium must remove the identity headers NetBox trusts from
 * client requests (a header middleware setting them to ""). Pomerium overwrites them anyway; this
 * is the second layer, and an override must not remove it silently.
 */
function checkHeaderStripping(p: DeclarationProblems, model: StackModel, pomerium: any): void {
  const trusted = Object.values(model.identity.claimHeaders);
  for (const [key, labels] of [['labels', pomerium.labels], ['deploy.labels', pomerium.deploy?.labels]] as const) {
    const map = Object.fromEntries(Object.entries(keyValueMap(labels)).map(([k, v]) => [k.toLowerCase(), v]));
    const routers = Object.keys(map).map((k) => /^traefik\.http\.routers\.([^.]+)\.rule$/.exec(k)?.[1]).filter((r): r is string => !!r);
    for (const router of routers) {
      const middlewares = String(map[`traefik.http.routers.${router}.middlewares`] ?? '').split(',').map((m) => m.trim()).filter(Boolean);
      const stripped = (header: string) => middlewares.some((m) =>
        map[`traefik.http.middlewares.${m}.headers.customrequestheaders.${header.toLowerCase()}`] === '');
      const missing = trusted.filter((h) => !stripped(h));
      if (missing.length > 0) {
        p.add(overridePath(`services.${SERVICES.pomerium}.${key}`),
          `leaves Traefik router "${router}" passing client-sent identity headers (${missing.join(', ')}) on to Pomerium`, missing,
          `Keep the generated middleware in traefik.http.routers.${router}.middlewares; add yours after it. ${OPT_OUT}`);
      }
    }
  }
}

/**
 * `netboxEnvironment` adds variables; it must not replace generated ones (the override would
 * silently win or lose depending on the file) nor touch the identity settings.
 */
function checkNetboxEnvironment(p: DeclarationProblems, model: StackModel, compose: ComposeObject): void {
  const extra = model.netbox.extraEnvironment;
  if (Object.keys(extra).length === 0) return;
  const generated = new Set(Object.keys(netboxSettings({ ...model, netbox: { ...model.netbox, extraEnvironment: {} } }).env));
  const inCompose = new Set(Object.keys(keyValueMap(compose.services?.[SERVICES.netbox]?.environment)));
  // A setting with an option of its own is reported by the egress resolver (one problem per entry).
  for (const name of Object.keys(extra).filter((n) => optionOfSetting(n) === undefined)) {
    const path = `netboxEnvironment.${name}`;
    // A secret's value never appears in a message.
    const shown = namesSecret(name) ? '<hidden>' : extra[name];
    if (IDENTITY_SETTING.test(name)) {
      if (!model.allowBypass) {
        p.add(path, `changes which identity header NetBox trusts. ${HEADER_SPOOFING_RISK}`, shown,
          IDENTITY_FIX);
      }
    } else if (generated.has(name)) {
      p.add(path, 'is generated from the declaration; a second value would conflict with it', shown,
        'Remove it, or replace the generated value on purpose with composeOverrides '
        + `("services.${SERVICES.netbox}.environment.${name}").`);
    } else if (inCompose.has(name)) {
      p.add(path, 'is set in the compose file (a secret or an override), which wins over env/netbox.env', shown,
        'Remove it; secrets live in .env and are never declared.');
    }
  }
}

/**
 * A secret the user supplies is set in the compose environment, which wins over env/netbox.env: in
 * NetBox's services it must neither replace a generated setting nor an identity setting.
 */
export function checkUserSecretNames(p: DeclarationProblems, model: StackModel): void {
  const generated = new Set(Object.keys(netboxSettings(model).env));
  for (const secret of model.userSecrets.filter((s) => s.optionPath !== undefined && s.services.some((x) => NETBOX_CODE_SERVICES.includes(x)))) {
    for (const variable of secret.variables) {
      if (IDENTITY_SETTING.test(variable)) {
        p.add(`${secret.optionPath}.name`, `would replace an identity setting NetBox trusts. ${HEADER_SPOOFING_RISK}`, variable,
          'Choose another name: the REMOTE_AUTH_* settings derive from the declaration (superusers, superuserGroups, defaultGroups).');
      } else if (generated.has(variable)) {
        p.add(`${secret.optionPath}.name`, `would replace the setting ${variable} of ${FILES.netboxEnv} (the compose environment wins over it)`,
          variable, 'Choose another name for the secret; the setting is generated from the declaration.');
      }
    }
  }
}

/** The services that must be isolated: the fixed ones, plus whatever shares their networks. */
function protectedClosure(model: StackModel, services: Record<string, any>): { names: string[]; networks: string[] } {
  const names = new Set(protectedServices(model).filter((s) => services[s] !== undefined));
  const networks = new Set(internalNetworks(model));
  for (const name of names) networksOf(services[name]).forEach((n) => networks.add(n));
  let grew = true;
  while (grew) {
    grew = false;
    for (const [name, svc] of Object.entries(services)) {
      if (name === SERVICES.pomerium || names.has(name)) continue;
      const mode = String(svc?.network_mode ?? '');
      const sharesNamespace = /^(service|container):/.test(mode) && names.has(mode.split(':')[1]);
      if (sharesNamespace || networksOf(svc).some((n) => networks.has(n))) {
        names.add(name);
        networksOf(svc).forEach((n) => networks.add(n));
        grew = true;
      }
    }
  }
  return { names: [...names], networks: [...networks] };
}


/** How the user would have written the override that put this into the compose file. */
function overridePath(dotPath: string): string {
  return `composeOverrides["${dotPath}"]`;
}
