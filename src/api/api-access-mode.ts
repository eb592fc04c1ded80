/**
 * How automation (pynetbox, Ansible, Terraform, curl) reaches NetBox's REST and GraphQL API.
 */
export enum ApiAccess {
  /** Every request, `/api/` included, needs a Pomerium login: API clients without a browser session cannot get in. */
  LOGIN = 'login',
  /**
   * `/api/` and `/graphql/` on NetBox's host reach NetBox without a Pomerium login and are
   * authenticated by NetBox alone (its API tokens, or the browser's NetBox session). No identity
   * header reaches NetBox on these paths; `/api/users/tokens/provision/` is refused at the proxy.
   */
  TOKEN = 'token',
}
