import { DEFAULT_NETBOX_TAG, findNetboxRelease, NETBOX_RELEASES, netboxFeatures, netboxVersionText } from './netbox-releases';
import { adoptedRelease, AdoptionModel } from '../adopt/adoption-model';
import { DEFAULTS } from '../model/defaults';
import type { IdentityModel, NetboxModel } from '../model/deployment-model';
import { claimHeader, metaKey } from '../model/identity-headers';
import type { DeclarationProblems } from '../model/problems';
import { checkEmail, checkEnvName, checkEnvValue, checkToken } from '../model/validators';
import type { NetboxPomeriumProjectOptions } from '../netbox-pomerium-options';
import { idpGroupWarnings, IdpSettings } from '../pomerium/idp-provider';
import { checkNotSecret } from '../secrets/user-secrets';

/**
 * The NetBox release, its admins and groups, and the identity headers it reads. With an unknown
 * tag the newest release stands in, so the rest of the declaration can still be rendered and
 * checked (the tag itself is reported).
 */
export function resolveNetbox(p: DeclarationProblems, options: NetboxPomeriumProjectOptions, publicUrl: string,
  idp: IdpSettings, warnings: string[], adoption?: AdoptionModel): { netbox: NetboxModel; identity: IdentityModel } {
  const tag = options.netboxVersion ?? DEFAULT_NETBOX_TAG;
  const release = findNetboxRelease(tag);
  if (!release) {
    p.add('netboxVersion', 'is not a supported netbox-docker image tag', tag,
      `Use one of: ${NETBOX_RELEASES.map((r) => r.tag).join(', ')}.`);
  }
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
  if (groupSync && release && !features!.groupSync) {
    p.add(superusers.length > 0 ? 'superusers' : 'superuserGroups',
      `needs NetBox group sync, which NetBox ${netboxVersionText(release)} (${release.tag}) lacks`,
      superusers.length > 0 ? superusers : superuserGroups, 'Choose a release with NetBox 3.0.3 or newer (netboxVersion).');
  }
  if (release && !features!.logoutRedirect) {
    warnings.push(`NetBox ${netboxVersionText(release)} has no LOGOUT_REDIRECT_URL: its logout cannot end the Pomerium session, `
      + `so the next request logs the user in again. Sign out at ${publicUrl}/.pomerium/sign_out instead.`);
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
    checkNotSecret(p, `netboxEnvironment.${name}`, name, '"netbox", "netbox-worker"');
  }
  const netbox: NetboxModel = {
    release: adoptedRelease(release ?? findNetboxRelease(DEFAULT_NETBOX_TAG)!, adoption),
    groupSync,
    superusers,
    superuserGroups,
    defaultGroups,
    extraEnvironment,
    // NetBox's own logout would be undone by the next request's header: end the Pomerium session.
    logoutRedirectUrl: `${publicUrl}/.pomerium/sign_out`,
  };
  return { netbox, identity };
}

/**
 * The claim headers Pomerium sends and the META keys NetBox reads: always the user's e-mail; where
 * NetBox reads them (3.4.9+), the given and family names, with or without group sync (NetBox copies
 * them at every login, and netbox-docker's defaults are client-settable `Remote-User-*` names); with
 * group sync also the groups claim. Every one is a header Pomerium overwrites or removes on every
 * route. Header names are dash-only (see claimHeader).
 */
function identityModel(userClaim: string, groupsClaim: string, groupSync: boolean, profileHeaders: boolean): IdentityModel {
  const claimHeaders: Record<string, string> = { [userClaim]: claimHeader(userClaim) };
  if (groupSync) claimHeaders[groupsClaim] = claimHeader(groupsClaim);
  if (profileHeaders) {
    claimHeaders[DEFAULTS.firstNameClaim] = claimHeader(DEFAULTS.firstNameClaim);
    claimHeaders[DEFAULTS.lastNameClaim] = claimHeader(DEFAULTS.lastNameClaim);
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
