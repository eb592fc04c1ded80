/** The identity providers Pomerium supports (its `idp_provider` values). */
export enum IdpProvider {
  /** Microsoft Entra ID (Azure AD). */
  AZURE = 'azure',
  GOOGLE = 'google',
  OKTA = 'okta',
  GITHUB = 'github',
  GITLAB = 'gitlab',
  AUTH0 = 'auth0',
  ONELOGIN = 'onelogin',
  /** Amazon Cognito. */
  COGNITO = 'cognito',
  /** Ping Identity (PingOne). */
  PING = 'ping',
  APPLE = 'apple',
  /** Any other OpenID Connect provider. */
  OIDC = 'oidc',
}

/** What this product knows about one provider. Internal. */
export interface IdpPreset {
  /** The provider URL to use when none is given, if the provider has a fixed one. */
  readonly fixedUrl?: string;
  /** Builds the provider URL from `idpTenant` (tenant id, org domain, user-pool id...). */
  readonly urlFromTenant?: (tenant: string) => string;
  /** What `idpTenant` means for this provider, for messages. */
  readonly tenantMeaning?: string;
  /** Whether Pomerium needs `idp_provider_url` for this provider. */
  readonly needsUrl: boolean;
  /** Pitfalls printed as warnings at every synthesis. */
  readonly warnings: readonly string[];
}

export const IDP_PRESETS: Record<IdpProvider, IdpPreset> = {
  [IdpProvider.AZURE]: {
    needsUrl: true,
    tenantMeaning: 'the Entra ID tenant id',
    urlFromTenant: (t) => `https://login.microsoftonline.com/${t}/v2.0`,
    warnings: [
      'Entra ID sends group object ids (GUIDs) in the groups claim, not names: allowedGroups, superuserGroups and NetBox group names must be those GUIDs, and the app registration needs a "groups" claim (Token configuration).',
      'Entra ID users without a mail attribute have no email claim: their e-mail policies fail and NetBox receives an empty user header. Give every user a mail address.',
    ],
  },
  [IdpProvider.GOOGLE]: { needsUrl: false, fixedUrl: 'https://accounts.google.com', warnings: [] },
  [IdpProvider.OKTA]: {
    needsUrl: true,
    tenantMeaning: 'the Okta org domain (e.g. "example.okta.com")',
    urlFromTenant: (t) => `https://${t}`,
    warnings: [],
  },
  [IdpProvider.GITHUB]: {
    needsUrl: false,
    warnings: ['GitHub is an OAuth2 provider without a groups claim: group policies and group sync have nothing to match.'],
  },
  [IdpProvider.GITLAB]: { needsUrl: false, fixedUrl: 'https://gitlab.com', warnings: [] },
  [IdpProvider.AUTH0]: {
    needsUrl: true,
    tenantMeaning: 'the Auth0 tenant domain (e.g. "example.eu.auth0.com")',
    urlFromTenant: (t) => `https://${t}/`,
    warnings: [],
  },
  [IdpProvider.ONELOGIN]: {
    needsUrl: true,
    tenantMeaning: 'the OneLogin subdomain (e.g. "example")',
    urlFromTenant: (t) => `https://${t}.onelogin.com/oidc/2`,
    warnings: [],
  },
  [IdpProvider.COGNITO]: {
    needsUrl: true,
    tenantMeaning: 'the Cognito user pool id (e.g. "eu-west-1_AbCdEf123")',
    urlFromTenant: (t) => `https://cognito-idp.${t.split('_')[0]}.amazonaws.com/${t}`,
    warnings: [],
  },
  [IdpProvider.PING]: {
    needsUrl: true,
    tenantMeaning: 'the PingOne environment id',
    urlFromTenant: (t) => `https://auth.pingone.com/${t}/as`,
    warnings: [],
  },
  [IdpProvider.APPLE]: {
    needsUrl: false,
    fixedUrl: 'https://appleid.apple.com',
    warnings: ['Apple sends no groups claim: group policies and group sync have nothing to match.'],
  },
  [IdpProvider.OIDC]: { needsUrl: true, warnings: [] },
};
