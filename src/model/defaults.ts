import { IdpProvider } from '../pomerium/idp-provider';

/** Option defaults (the `@default` of each option documents the same value). */
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
  emailPort: 587,
  emailTimeoutSeconds: 10,
} as const;
