import { LogLevel } from 'projen';
import { IdpProvider, NetboxPomeriumProjectOptions } from '../src';
import { SEED, synth } from './util';
import { compileDeployment } from '../src/plan/compile';

const TENANT_GUID = '0f0e0d0c-0b0a-4909-8807-060504030201';

/** The seed with no IdP settings, so each test names its own. */
const BARE: NetboxPomeriumProjectOptions = { ...SEED, idpProvider: undefined, idpProviderUrl: undefined, idpTenant: undefined };

interface PresetCase {
  /** An `idpTenant` value, for providers that have one. */
  readonly tenant?: string;
  /** The `idp_provider_url` written for that tenant, or with no URL option at all for tenant-less providers. */
  readonly url?: string;
  /** Whether a declaration without URL or tenant gets the placeholder URL and a warning. */
  readonly placeholder: boolean;
}

/** Expected URL rules, from Pomerium's integration guides. A Record, so a new enum member fails to compile here. */
const PRESETS: Record<IdpProvider, PresetCase> = {
  [IdpProvider.AZURE]: { tenant: TENANT_GUID, url: `https://login.microsoftonline.com/${TENANT_GUID}/v2.0`, placeholder: true },
  [IdpProvider.GOOGLE]: { url: 'https://accounts.google.com', placeholder: false },
  [IdpProvider.OKTA]: { tenant: 'example.okta.com', url: 'https://example.okta.com', placeholder: true },
  [IdpProvider.GITHUB]: { url: undefined, placeholder: false },
  [IdpProvider.GITLAB]: { url: 'https://gitlab.com', placeholder: false },
  [IdpProvider.AUTH0]: { tenant: 'example.eu.auth0.com', url: 'https://example.eu.auth0.com/', placeholder: true },
  [IdpProvider.ONELOGIN]: { tenant: 'example', url: 'https://example.onelogin.com/oidc/2', placeholder: true },
  [IdpProvider.COGNITO]: {
    tenant: 'eu-west-1_AbCdEf123', url: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123', placeholder: true,
  },
  [IdpProvider.PING]: { tenant: TENANT_GUID, url: `https://auth.pingone.com/${TENANT_GUID}/as`, placeholder: true },
  [IdpProvider.APPLE]: { url: 'https://appleid.apple.com', placeholder: false },
  // No tenant: the placeholder until idpProviderUrl is set.
  [IdpProvider.OIDC]: { url: 'https://idp.example.org', placeholder: true },
};

function refusal(overrides: Partial<NetboxPomeriumProjectOptions>): string {
  try {
    compileDeployment({ ...BARE, ...overrides }).model;
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('the declaration was accepted');
}

describe.each(Object.values(IdpProvider))('IdP preset %s', (provider) => {
  const expected = PRESETS[provider];

  test('the Pomerium config names the provider and its URL', () => {
    const s = synth({ ...BARE, idpProvider: provider, idpTenant: expected.tenant });
    expect(s.pomerium.idp_provider).toBe(provider);
    expect(s.pomerium.idp_provider_url).toBe(expected.url);
    expect('idp_provider_url' in s.pomerium).toBe(expected.url !== undefined);
  });

  test('an explicit https URL is used as given', () => {
    const url = 'https://idp.corp.example/issuer';
    expect(compileDeployment({ ...BARE, idpProvider: provider, idpProviderUrl: url }).model.idp.providerUrl).toBe(url);
  });

  test('no URL and no tenant: a placeholder with a warning only where Pomerium needs a URL', () => {
    const model = compileDeployment({ ...BARE, idpProvider: provider }).model;
    const placeholderWarning = expect.stringMatching(/^idpProviderUrl is not set: using the placeholder https:\/\/idp\.example\.org\./);
    if (expected.placeholder) {
      expect(model.idp.providerUrl).toBe('https://idp.example.org');
      expect(model.warnings).toContainEqual(placeholderWarning);
    } else {
      expect(model.idp.providerUrl).toBe(expected.url);
      expect(model.warnings).not.toContainEqual(placeholderWarning);
    }
  });

  test('an http:// URL is refused', () => {
    expect(refusal({ idpProvider: provider, idpProviderUrl: 'http://idp.example.org' }))
      .toMatch(/idpProviderUrl: must be an https URL \(got "http:\/\/idp\.example\.org"\)\. Use the issuer URL your identity provider documents/);
  });

  if (expected.tenant) {
    test('idpTenant builds the URL; a malformed tenant is refused', () => {
      expect(compileDeployment({ ...BARE, idpProvider: provider, idpTenant: expected.tenant }).model.idp.providerUrl).toBe(expected.url);
      expect(refusal({ idpProvider: provider, idpTenant: 'no spaces/allowed here' }))
        .toMatch(/idpTenant: is not .+ \(got "no spaces\/allowed here"\)\. Use e\.g\. "/);
      expect(refusal({ idpProvider: provider, idpTenant: expected.tenant, idpProviderUrl: 'https://idp.example.org' }))
        .toMatch(/idpTenant: is set together with idpProviderUrl \(got "[^"]+"\)\. Set only one of them/);
    });
  } else {
    test('idpTenant is refused: the provider has no tenant', () => {
      expect(refusal({ idpProvider: provider, idpTenant: 'example' }))
        .toMatch(new RegExp(`idpTenant: means nothing for the ${provider} provider, which has no tenant \\(got "example"\\)\\. Remove it`));
    });
  }
});

describe('provider URL pitfalls', () => {
  test('a discovery document URL is refused with the issuer to use', () => {
    expect(refusal({ idpProvider: IdpProvider.OIDC, idpProviderUrl: 'https://sso.example.org/realms/main/.well-known/openid-configuration' }))
      .toMatch(/idpProviderUrl: is a discovery document, not the issuer \(got "[^"]+"\)\. Drop the suffix: "https:\/\/sso\.example\.org\/realms\/main"\./);
  });

  test.each(['common', 'organizations', 'Consumers'])('Entra\'s shared endpoint "%s" is refused as tenant and as URL', (tenant) => {
    expect(refusal({ idpProvider: IdpProvider.AZURE, idpTenant: tenant }))
      .toMatch(/idpTenant: names an Entra ID endpoint shared by all tenants, which lets any Microsoft account sign in/);
    expect(refusal({ idpProvider: IdpProvider.AZURE, idpProviderUrl: `https://login.microsoftonline.com/${tenant}/v2.0` }))
      .toMatch(/idpProviderUrl: names an Entra ID endpoint shared by all tenants/);
  });

  test('an Entra tenant may be a verified domain', () => {
    expect(compileDeployment({ ...BARE, idpProvider: IdpProvider.AZURE, idpTenant: 'contoso.onmicrosoft.com' }).model.idp.providerUrl)
      .toBe('https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0');
  });

  test('a Cognito pool id carries its region into the URL', () => {
    expect(compileDeployment({ ...BARE, idpProvider: IdpProvider.COGNITO, idpTenant: 'us-east-1_Xy12' }).model.idp.providerUrl)
      .toBe('https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Xy12');
    expect(refusal({ idpProvider: IdpProvider.COGNITO, idpTenant: 'AbCdEf123' }))
      .toMatch(/idpTenant: is not the Cognito user pool id \(<region>_<id>\) \(got "AbCdEf123"\)\. Use e\.g\. "eu-west-1_AbCdEf123"\./);
  });
});

describe('pitfalls are warned about', () => {
  const azure: Partial<NetboxPomeriumProjectOptions> = { idpProvider: IdpProvider.AZURE, idpTenant: TENANT_GUID };

  test('Entra: users without an email claim, at every synthesis', () => {
    expect(compileDeployment({ ...BARE, ...azure, allowedGroups: undefined }).model.warnings)
      .toContainEqual(expect.stringMatching(/^Entra ID users without a mail attribute have no email claim/));
  });

  test('Entra: groups are GUIDs, said when groups are used; a group name is named by its path', () => {
    const warnings = compileDeployment({ ...BARE, ...azure, allowedGroups: [TENANT_GUID], superuserGroups: ['NetBox-Admins'] }).model.warnings;
    expect(warnings).toContainEqual(expect.stringMatching(/^Entra ID sends group object ids \(GUIDs\) in the groups claim, not names/));
    expect(warnings).toContainEqual(expect.stringMatching(/^superuserGroups\[0\]: "NetBox-Admins" is not a group object id; Entra ID sends ids/));
    expect(warnings).not.toContainEqual(expect.stringMatching(/^allowedGroups\[0\]/));
  });

  test('Entra: no group warning when no group is used', () => {
    const warnings = compileDeployment({ ...BARE, ...azure, allowedGroups: undefined }).model.warnings;
    expect(warnings).not.toContainEqual(expect.stringMatching(/GUIDs/));
  });

  test.each([IdpProvider.GOOGLE, IdpProvider.GITHUB, IdpProvider.APPLE])('%s: no groups claim, so group sync empties groups', (provider) => {
    const warnings = compileDeployment({ ...BARE, idpProvider: provider, allowedGroups: undefined, superusers: ['admin@example.org'] }).model.warnings;
    expect(warnings).toContainEqual(expect.stringMatching(/sends no groups claim.*NetBox group sync removes every group at each login/));
  });

  test('Apple: the client secret is a JWT that expires', () => {
    expect(compileDeployment({ ...BARE, idpProvider: IdpProvider.APPLE, allowedGroups: undefined }).model.warnings)
      .toContainEqual(expect.stringMatching(/^Apple's client secret is a JWT .* expires after at most 6 months/));
  });

  test('the warnings reach the user through the project logger at synthesis', () => {
    const stderr = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      // projen silences its logger under jest unless a level is given.
      synth({ ...BARE, ...azure, superuserGroups: ['NetBox-Admins'], logging: { level: LogLevel.WARN } });
      const printed = stderr.mock.calls.map((args) => args.join(' ')).join('\n');
      expect(printed).toMatch(/Entra ID users without a mail attribute have no email claim/);
      expect(printed).toMatch(/superuserGroups\[0\]: "NetBox-Admins" is not a group object id/);
    } finally {
      stderr.mockRestore();
    }
  });
});

describe('Cognito sends groups as cognito:groups', () => {
  test('allowedGroups match that claim and group sync reads its header', () => {
    const s = synth({
      ...BARE,
      idpProvider: IdpProvider.COGNITO,
      idpTenant: 'eu-west-1_AbCdEf123',
      allowedDomains: undefined,
      allowedEmails: undefined,
      allowedGroups: ['netbox-users'],
      superuserGroups: ['netbox-admins'],
    });
    expect(s.pomerium.routes[0].policy).toEqual([{ allow: { or: [{ 'claim/cognito:groups': { has: 'netbox-users' } }] } }]);
    expect(s.pomerium.jwt_claims_headers['X-Pomerium-Claim-Cognito-Groups']).toBe('cognito:groups');
    expect(s.env('netbox').REMOTE_AUTH_GROUP_HEADER).toBe('HTTP_X_POMERIUM_CLAIM_COGNITO_GROUPS');
  });
});
