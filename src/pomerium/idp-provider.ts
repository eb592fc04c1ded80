import { DeclarationProblems } from '../model/problems';
import { checkHttpsUrl, checkToken } from '../model/validators';

/** The identity providers Pomerium supports (its `idp_provider` values). */
export enum IdpProvider {
  /** Microsoft Entra ID (Azure AD). */
  AZURE = 'azure',
  /** Google (Workspace or consumer accounts). */
  GOOGLE = 'google',
  /** Okta. */
  OKTA = 'okta',
  /** GitHub (OAuth2, not OpenID Connect). */
  GITHUB = 'github',
  /** GitLab.com. */
  GITLAB = 'gitlab',
  /** Auth0. */
  AUTH0 = 'auth0',
  /** OneLogin. */
  ONELOGIN = 'onelogin',
  /** Amazon Cognito. */
  COGNITO = 'cognito',
  /** Ping Identity (PingOne). */
  PING = 'ping',
  /** Sign in with Apple. */
  APPLE = 'apple',
  /** Any other OpenID Connect provider (Keycloak, self-hosted GitLab, ...). */
  OIDC = 'oidc',
}

/** How `idpTenant` turns into the provider URL. Internal. */
export interface IdpTenantRule {
  /** What the tenant is, for messages and docs. */
  readonly meaning: string;
  /** An example tenant value. */
  readonly example: string;
  /** Accepted tenant values. */
  readonly pattern: RegExp;
  /** The provider (issuer) URL for a tenant. */
  readonly url: (tenant: string) => string;
}

/** What this product knows about one provider. Internal. */
export interface IdpPreset {
  /**
   * The provider URL written when none is given: Pomerium's own default for this provider, made
   * explicit so the config shows which issuer is trusted.
   */
  readonly fixedUrl?: string;
  /** Builds the provider URL from `idpTenant`; providers without one refuse `idpTenant`. */
  readonly tenant?: IdpTenantRule;
  /** Whether Pomerium needs `idp_provider_url` for this provider. */
  readonly needsUrl: boolean;
  /** The claim that carries the user's groups, or undefined when the provider sends none. */
  readonly groupsClaim?: string;
  /** Pitfalls printed at every synthesis. */
  readonly warnings: readonly string[];
  /** Printed when groups are used (allowedGroups, superuserGroups, group sync). */
  readonly groupWarning?: string;
  /**
   * How to make the IdP send only the groups NetBox needs (runbook text). Pomerium Core cannot filter
   * the claim itself: its `jwt_groups_filter` is read only from Enterprise console settings, never
   * from a config file (pomerium/pomerium#5417, v0.29.0).
   */
  readonly groupsScope: string;
  /**
   * Why the groups claim may be missing at a login even when it is configured; undefined when the
   * preset can rely on it. With group sync a missing claim clears the user's groups and superuser flag.
   */
  readonly groupsClaimRisk?: string;
}

/** Entra's tenant-independent endpoints: any Microsoft account could sign in. */
export const AZURE_MULTI_TENANT = ['common', 'organizations', 'consumers'];
const GUID_SOURCE = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const HOST_SOURCE = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+';
const GUID = new RegExp(`^${GUID_SOURCE}$`, 'i');
const HOST = new RegExp(`^${HOST_SOURCE}$`, 'i');

/** Whether a value looks like an Entra / PingOne object id. */
export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/**
 * Provider URL rules and pitfalls, checked against Pomerium's integration guides
 * (pomerium/documentation content/docs/integrations/user-identity/*) and provider code
 * (pomerium/pomerium pkg/identity/).
 */
export const IDP_PRESETS: Record<IdpProvider, IdpPreset> = {
  [IdpProvider.AZURE]: {
    needsUrl: true,
    tenant: {
      meaning: 'the Entra ID tenant id (a GUID) or a verified tenant domain',
      example: '00000000-0000-0000-0000-000000000000',
      pattern: new RegExp(`^(?:${GUID_SOURCE}|${HOST_SOURCE})$`, 'i'),
      url: (t) => `https://login.microsoftonline.com/${t}/v2.0`,
    },
    groupsClaim: 'groups',
    groupsScope: 'Token configuration → Add groups claim → "Groups assigned to the application" (Group ID), then assign only the groups NetBox needs under Enterprise applications → the app → Users and groups (group assignment needs Entra ID P1 or P2). App roles (the `roles` claim) are the other way to send only what matters, for policies with Criteria.claim(\'roles\', ...); NetBox group sync reads the groups claim.',
    groupsClaimRisk: 'Entra ID leaves the groups claim out entirely for a user in more than 200 groups (the JWT limit, nested groups included) and sends an overage link to Microsoft Graph instead, which Pomerium does not follow; "Groups assigned to the application" keeps long-standing admins under that limit',
    warnings: [
      'Entra ID users without a mail attribute have no email claim: e-mail policies do not match them and NetBox receives an '
        + 'empty user header, so they cannot log in. Give every user who needs NetBox a mail address.',
    ],
    groupWarning: 'Entra ID sends group object ids (GUIDs) in the groups claim, not names: allowedGroups, superuserGroups and '
      + 'NetBox group names must be those GUIDs, and the app registration needs a groups claim (Token configuration → Add groups claim → Group ID).',
  },
  [IdpProvider.GOOGLE]: {
    needsUrl: false,
    fixedUrl: 'https://accounts.google.com',
    groupsScope: 'Google sends no groups claim: keep group sync for nothing but superusers by e-mail, and give permissions to users in NetBox itself.',
    groupsClaimRisk: 'Google sends no groups claim at all',
    warnings: [],
    groupWarning: 'Google sends no groups claim (group data needs Pomerium Enterprise directory sync): group policies never match, '
      + 'and NetBox group sync removes every group at each login.',
  },
  [IdpProvider.OKTA]: {
    needsUrl: true,
    tenant: {
      meaning: 'the Okta org domain',
      example: 'example.okta.com',
      pattern: HOST,
      url: (t) => `https://${t}`,
    },
    groupsClaim: 'groups',
    groupsScope: 'In the groups claim of the app (or authorization server), use a filter that matches only NetBox\'s groups (e.g. "Starts with" netbox-) instead of "Matches regex .*".',
    groupsClaimRisk: 'Okta sends the groups claim only once it is added to the tokens, and only the groups its filter matches',
    warnings: [],
    groupWarning: 'Okta sends a groups claim only after you add one to the app\'s tokens (Okta: "Customize tokens with a groups claim").',
  },
  [IdpProvider.GITHUB]: {
    needsUrl: false,
    groupsScope: 'GitHub sends no groups claim: keep group sync for nothing but superusers by e-mail, and give permissions to users in NetBox itself.',
    groupsClaimRisk: 'GitHub sends no groups claim at all',
    warnings: [],
    groupWarning: 'GitHub is an OAuth2 provider and sends no groups claim: group policies never match, and NetBox group sync removes '
      + 'every group at each login.',
  },
  [IdpProvider.GITLAB]: {
    needsUrl: false,
    fixedUrl: 'https://gitlab.com',
    groupsScope: 'Pomerium documents no groups claim for GitLab: use superusers by e-mail, or IdpProvider.OIDC against a GitLab whose groups claim you have checked.',
    groupsClaimRisk: 'Pomerium documents no groups claim for GitLab',
    warnings: [],
    groupWarning: 'Pomerium documents no groups claim for GitLab: group policies may never match, and NetBox group sync would '
      + 'remove every group at each login. For self-hosted GitLab use IdpProvider.OIDC with idpProviderUrl.',
  },
  [IdpProvider.AUTH0]: {
    needsUrl: true,
    tenant: {
      meaning: 'the Auth0 tenant domain',
      example: 'example.eu.auth0.com',
      pattern: HOST,
      // Auth0's issuer ends with a slash; Pomerium adds it when missing.
      url: (t) => `https://${t}/`,
    },
    groupsScope: 'The Login Action that sets the groups claim decides what is sent: have it add only NetBox\'s groups.',
    groupsClaimRisk: 'Auth0 sends a groups claim only from a Login Action you write',
    warnings: [],
    groupWarning: 'Auth0 sends no groups claim by default: add a Login Action that sets one (Pomerium\'s Auth0 guide uses '
      + '"pomerium.io/groups") and match it with Criteria.claim.',
  },
  [IdpProvider.ONELOGIN]: {
    needsUrl: true,
    tenant: {
      meaning: 'the OneLogin subdomain',
      example: 'example',
      pattern: /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i,
      url: (t) => `https://${t}.onelogin.com/oidc/2`,
    },
    groupsClaim: 'groups',
    groupsScope: 'Map the groups parameter of the OIDC app to only the roles or groups NetBox needs.',
    groupsClaimRisk: 'OneLogin sends the groups claim only when the app maps a groups parameter',
    warnings: [],
  },
  [IdpProvider.COGNITO]: {
    needsUrl: true,
    tenant: {
      meaning: 'the Cognito user pool id (<region>_<id>)',
      example: 'eu-west-1_AbCdEf123',
      pattern: /^[a-z]{2}(-[a-z]+)+-\d_[A-Za-z0-9]+$/,
      url: (t) => `https://cognito-idp.${t.split('_')[0]}.amazonaws.com/${t}`,
    },
    // Cognito names the claim with its prefix.
    groupsClaim: 'cognito:groups',
    groupsScope: 'cognito:groups lists the user\'s groups of this user pool by name: keep NetBox\'s groups in the pool and nothing else NetBox should see.',
    warnings: [],
  },
  [IdpProvider.PING]: {
    needsUrl: true,
    tenant: {
      meaning: 'the PingOne environment id (North America; for other regions set idpProviderUrl, e.g. https://auth.pingone.eu/<id>/as)',
      example: '00000000-0000-0000-0000-000000000000',
      pattern: GUID,
      url: (t) => `https://auth.pingone.com/${t}/as`,
    },
    groupsClaim: 'groups',
    groupsScope: 'Map the groups attribute in the application\'s Attribute Mappings to only the groups NetBox needs (PingOne sends their ids).',
    groupsClaimRisk: 'PingOne sends a groups claim only once you map it',
    warnings: [],
    groupWarning: 'PingOne sends a groups claim only after you map one (Attribute Mappings), and it holds group ids, not names: '
      + 'allowedGroups, superuserGroups and NetBox group names must be those ids.',
  },
  [IdpProvider.APPLE]: {
    needsUrl: false,
    fixedUrl: 'https://appleid.apple.com',
    groupsScope: 'Apple sends no groups claim: keep group sync for nothing but superusers by e-mail, and give permissions to users in NetBox itself.',
    groupsClaimRisk: 'Apple sends no groups claim at all',
    warnings: [
      'Apple\'s client secret is a JWT you sign with your Sign in with Apple key; it expires after at most 6 months, so '
        + 'IDP_CLIENT_SECRET in .env must be renewed before then.',
      'Apple includes the email claim only when the user shares it (and may give a private relay address): e-mail policies and '
        + 'the NetBox user name depend on it.',
    ],
    groupWarning: 'Apple sends no groups claim: group policies never match, and NetBox group sync removes every group at each login.',
  },
  [IdpProvider.OIDC]: {
    needsUrl: true,
    groupsClaim: 'groups',
    groupsScope: 'Configure the provider to put only the groups NetBox needs into the groups claim (e.g. a client-scoped mapper).',
    groupsClaimRisk: 'a generic OIDC provider sends a groups claim only when configured to, and some leave it out above a size limit',
    warnings: [],
  },
};

/** The IdP part of a declaration. */
export interface IdpDeclaration {
  readonly idpProvider?: IdpProvider;
  readonly idpProviderUrl?: string;
  readonly idpTenant?: string;
  readonly idpClientId?: string;
}

/** What Pomerium is told about the IdP, validated. */
export interface IdpSettings {
  readonly provider: IdpProvider;
  /** `idp_provider_url`; undefined where Pomerium needs none. */
  readonly providerUrl?: string;
  readonly clientId: string;
  /** The claim carrying the user's groups, if the provider sends one. */
  readonly groupsClaim?: string;
}

/** Defaults for a declaration that names no IdP yet (a zero-flag `projen new`). */
export interface IdpDefaults {
  readonly provider: IdpProvider;
  readonly placeholderUrl: string;
  readonly placeholderClientId: string;
}

/**
 * Resolves provider, provider URL and client id from the declaration: `idpTenant` builds the URL
 * where the provider has a tenant, a fixed URL is written where the provider has one, and a
 * placeholder (with a warning) keeps a zero-flag declaration synthesizable.
 */
export function resolveIdp(p: DeclarationProblems, decl: IdpDeclaration, defaults: IdpDefaults, warnings: string[]): IdpSettings {
  const provider = decl.idpProvider ?? defaults.provider;
  const preset: IdpPreset | undefined = IDP_PRESETS[provider];
  if (!preset) {
    p.add('idpProvider', 'is not a known identity provider', provider, `Use one of: ${Object.values(IdpProvider).join(', ')}.`);
  }
  let providerUrl = decl.idpProviderUrl;
  if (decl.idpTenant !== undefined && preset) {
    const tenant = decl.idpTenant;
    if (decl.idpProviderUrl !== undefined) {
      p.add('idpTenant', 'is set together with idpProviderUrl', tenant, 'Set only one of them: idpTenant builds the provider URL.');
    } else if (!preset.tenant) {
      p.add('idpTenant', `means nothing for the ${provider} provider, which has no tenant`, tenant,
        preset.fixedUrl ? `Remove it; Pomerium uses ${preset.fixedUrl}.` : 'Remove it, or set idpProviderUrl.');
    } else if (provider === IdpProvider.AZURE && AZURE_MULTI_TENANT.includes(String(tenant).toLowerCase())) {
      p.add('idpTenant', 'names an Entra ID endpoint shared by all tenants, which lets any Microsoft account sign in', tenant,
        `Use your own tenant id, e.g. "${preset.tenant.example}".`);
    } else if (typeof tenant !== 'string' || !preset.tenant.pattern.test(tenant)) {
      p.add('idpTenant', `is not ${preset.tenant.meaning}`, tenant, `Use e.g. "${preset.tenant.example}".`);
    } else {
      providerUrl = preset.tenant.url(tenant);
    }
  }
  if (decl.idpProviderUrl !== undefined && checkHttpsUrl(p, 'idpProviderUrl', decl.idpProviderUrl)) {
    checkIssuerUrl(p, provider, decl.idpProviderUrl);
  }
  providerUrl ??= preset?.fixedUrl;
  if (providerUrl === undefined && preset?.needsUrl) {
    providerUrl = defaults.placeholderUrl;
    warnings.push(`idpProviderUrl is not set: using the placeholder ${providerUrl}. Set idpProviderUrl`
      + (preset.tenant ? ` or idpTenant (${preset.tenant.meaning})` : '') + ' in .projenrc.ts.');
  }
  const clientId = decl.idpClientId ?? defaults.placeholderClientId;
  if (decl.idpClientId === undefined) {
    warnings.push(`idpClientId is not set: using the placeholder "${clientId}". Set it to the client id of your IdP app registration.`);
  }
  checkToken(p, 'idpClientId', clientId, 'client id');
  warnings.push(...(preset?.warnings ?? []));
  return { provider, providerUrl, clientId, groupsClaim: preset?.groupsClaim };
}

/** The issuer URL, not a discovery document or an endpoint shared by all Entra tenants. */
function checkIssuerUrl(p: DeclarationProblems, provider: IdpProvider, url: string): void {
  if (/\/\.well-known\/openid-configuration\/?$/.test(url)) {
    p.add('idpProviderUrl', 'is a discovery document, not the issuer', url,
      `Drop the suffix: "${url.replace(/\/\.well-known\/openid-configuration\/?$/, '')}".`);
  }
  const parsed = new URL(url);
  const firstSegment = parsed.pathname.split('/')[1]?.toLowerCase() ?? '';
  if (provider === IdpProvider.AZURE && parsed.hostname === 'login.microsoftonline.com' && AZURE_MULTI_TENANT.includes(firstSegment)) {
    p.add('idpProviderUrl', 'names an Entra ID endpoint shared by all tenants, which lets any Microsoft account sign in', url,
      'Use your tenant\'s issuer, "https://login.microsoftonline.com/<tenant id>/v2.0", or set idpTenant.');
  }
}

/** Which group features a declaration uses. */
export interface GroupUse {
  /** Option paths and values of the groups the declaration names (allowedGroups, superuserGroups). */
  readonly namedGroups: ReadonlyArray<readonly [string, string]>;
  /** Whether NetBox group sync is on. */
  readonly groupSync: boolean;
}

/** Warnings about groups for this provider: a missing groups claim, or ids where names were given. */
export function idpGroupWarnings(provider: IdpProvider, use: GroupUse): string[] {
  const preset: IdpPreset | undefined = IDP_PRESETS[provider];
  if (!preset || (use.namedGroups.length === 0 && !use.groupSync)) return [];
  const warnings = preset.groupWarning ? [preset.groupWarning] : [];
  if (provider === IdpProvider.AZURE || provider === IdpProvider.PING) {
    for (const [path, value] of use.namedGroups) {
      if (!isGuid(value)) {
        warnings.push(`${path}: "${value}" is not a group object id; ${provider === IdpProvider.AZURE ? 'Entra ID' : 'PingOne'} `
          + 'sends ids (GUIDs) in the groups claim, so this never matches. Use the group\'s object id.');
      }
    }
  }
  return warnings;
}
