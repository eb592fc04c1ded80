import { goDuration, TOKEN_PATH_PREFIXES, TOKEN_PROVISION_PREFIX } from './api-access';
import { ApiAccess } from './api-access-mode';
import type { StackModel } from '../model/deployment-model';
import { netboxAtLeast } from '../netbox/netbox-releases';

/**
 * The runbook's "Automation" section: how API clients reach this deployment. Every URL, path,
 * range and lifetime comes from the model.
 */
export function automationRunbookSection(model: StackModel): string[] {
  const url = model.publicUrl;
  const header = [
    '## Automation (API clients)',
    '',
  ];
  if (model.api.access !== ApiAccess.TOKEN) {
    return [
      ...header,
      `Every request, ${code('/api/')} included, needs a Pomerium login (${code('apiAccess: ApiAccess.LOGIN')}), so scripts and tools that`
      + ' hold a NetBox API token (pynetbox, the Ansible collection `netbox.netbox`, the Terraform provider) cannot get in.',
      '',
      'To let them in with NetBox tokens, declare in `.projenrc.ts`:',
      '',
      '```ts',
      'apiAccess: ApiAccess.TOKEN,',
      'apiSourceRanges: ["10.20.0.0/16"],   // optional: only these client addresses get in without a login',
      '```',
      '',
      `(import ${code('ApiAccess')} from ${code('projen-netbox-pomerium')}), run ${code('npx projen')} and ${code('npx projen up')}. This`
      + ' section then shows how to create a token and use it. Browsers keep logging in through Pomerium.',
    ];
  }

  const v2 = model.netbox.release.apiTokenPepper;
  const authHeader = v2 ? 'Authorization: Bearer $NETBOX_TOKEN' : 'Authorization: Token $NETBOX_TOKEN';
  const ranges = model.api.sourceRanges;
  const checkPath = netboxAtLeast(model.netbox.release, 4, 5) ? '/api/authentication-check/' : '/api/status/';
  return [...header, ...tokenIntro(model), ...createToken(model, authHeader, checkPath), ...clientExamples(url, v2), ...peopleAndAddresses(ranges)];
}

const code = (s: string) => `\`${s}\``;

/** What TOKEN access means for this deployment: which paths, from where, for how long. */
function tokenIntro(model: StackModel): string[] {
  const url = model.publicUrl;
  const ranges = model.api.sourceRanges;
  const lifetime = goDuration(model.api.sessionLifetimeSeconds!);
  return [
    `${TOKEN_PATH_PREFIXES.map((p) => code(`${url}${p}`)).join(' and ')} reach NetBox without a Pomerium login`
    + (ranges.length > 0
      ? ` from ${ranges.map(code).join(', ')} (${code('apiSourceRanges')}); requests from other addresses need the Pomerium login as before.`
      : ' from any address.')
    + ' NetBox authenticates them with its API tokens; anonymous requests get no data (`LOGIN_REQUIRED`). Clients keep the base URL'
    + ` ${code(url)}.`,
    '',
    '- No identity header reaches NetBox on these paths: Pomerium removes them there and Traefik strips them from every request, so a token'
    + ' request is never logged in as a browser user (which would make NetBox demand a CSRF token on writes).',
    `- ${code(`${TOKEN_PROVISION_PREFIX}/`)} (a token for a local user name and password, around the IdP) is refused with 403 by Pomerium.`,
    `- Requests on these paths may take up to ${goDuration(model.api.timeoutSeconds!)} (Pomerium's per-route ${code('timeout')}; its default is 30s),`
    + ' enough for large exports. Page through big lists (`?limit=1000&offset=…`) rather than asking for everything at once.',
    `- The browser UI's own ${code('/api/')} calls use the NetBox session. That session ends after ${lifetime} (${code('LOGIN_TIMEOUT')}), like`
    + ` Pomerium's cookie (${code('cookie_expire')}): a user removed from the IdP loses browser and session API access within that time.`,
    '',
  ];
}

/** How to create a token in NetBox and try it with curl. */
function createToken(model: StackModel, authHeader: string, checkPath: string): string[] {
  const url = model.publicUrl;
  const v2 = model.netbox.release.apiTokenPepper;
  return [
    '### Create a token',
    '',
    `Log in at ${url}, open your user menu, "API Tokens", "Add a token" (${code(`${url}/user/api-tokens/`)}). Give it an expiry date and,`
    + ' where possible, "Allowed IPs"; enable writes only if the tool writes.'
    + (v2
      ? ` NetBox ${model.netbox.release.netbox.slice(0, 2).join('.')} issues v2 tokens (${code('nbt_<key>.<secret>')}), shown once: copy it then.`
        + ` Clients send it as ${code('Authorization: Bearer nbt_…')}; Pomerium passes that header on unchanged.`
      : ` Clients send it as ${code('Authorization: Token <token>')}; Pomerium passes that header on unchanged.`),
    '',
    '```sh',
    'export NETBOX_TOKEN=\'<the token>\'',
    `curl -fsS -H "${authHeader}" -H "Accept: application/json" ${url}${checkPath}`,
    `curl -fsS -H "${authHeader}" -H "Accept: application/json" "${url}/api/dcim/devices/?limit=10"`,
    `curl -fsS -H "${authHeader}" -H "Content-Type: application/json" \\`,
    `  --data '{"query": "{ device_list { name } }"}' ${url}/graphql/`,
    '```',
    '',
  ];
}

/** pynetbox, Ansible and Terraform against this deployment's URL. */
function clientExamples(url: string, v2: boolean): string[] {
  return [
    '### pynetbox',
    '',
    '```python',
    'import os',
    'import pynetbox',
    '',
    `nb = pynetbox.api("${url}", token=os.environ["NETBOX_TOKEN"])`,
    'print(nb.dcim.devices.count())',
    '```',
    ...(v2 ? ['', 'v2 tokens need a pynetbox release with v2 support (pynetbox#730, 2026).'] : []),
    '',
    '### Ansible (`netbox.netbox`)',
    '',
    '```yaml',
    '# inventory: netbox.yml',
    'plugin: netbox.netbox.nb_inventory',
    `api_endpoint: ${url}`,
    ...(v2 ? ['token:', '  type: Bearer', '  value: "{{ lookup(\'env\', \'NETBOX_TOKEN\') }}"'] : ['token: "{{ lookup(\'env\', \'NETBOX_TOKEN\') }}"']),
    '',
    '# a task',
    '- name: A device exists',
    '  netbox.netbox.netbox_device:',
    `    netbox_url: ${url}`,
    '    netbox_token: "{{ lookup(\'env\', \'NETBOX_TOKEN\') }}"',
    '    data:',
    '      name: sw1',
    '      device_type: { slug: my-switch }',
    '      role: { slug: access }',
    '      site: { slug: hq }',
    '    state: present',
    '```',
    ...(v2 ? ['', 'The modules of the collection did not yet send v2 tokens in mid-2026 (ansible_modules#1580): check your collection\'s release notes,'
      + ' or give the modules a v1 token while NetBox still accepts them (deprecated, removed in NetBox 5.0).'] : []),
    '',
    '### Terraform (`e-breuninger/netbox`)',
    '',
    '```hcl',
    'provider "netbox" {',
    `  server_url = "${url}"`,
    '  api_token  = var.netbox_token   # or NETBOX_API_TOKEN in the environment',
    '}',
    '```',
    '',
  ];
}

/** Token hygiene for leavers, and what Traefik must be told so client addresses are real. */
function peopleAndAddresses(ranges: readonly string[]): string[] {
  return [
    '### Tokens outlive people',
    '',
    'Removing someone from the IdP ends their browser access, not their tokens. Give every token an expiry, and restrict tokens to the'
    + ' addresses the tool runs from ("Allowed IPs"; NetBox reads the client address from `X-Forwarded-For`, which Traefik rewrites, see below).',
    'When someone leaves: in NetBox\'s admin ("Admin", "Users") clear "Active" on their user, then delete their'
    + ' tokens ("Admin", "API Tokens", filtered by user). Remove them from the IdP as well.',
    '',
    '### Real client addresses',
    '',
    `${ranges.length > 0 ? 'Pomerium checks `apiSourceRanges`, and NetBox checks a token\'s "Allowed IPs",' : 'NetBox checks a token\'s "Allowed IPs"'}`
    + ' against the client address Traefik saw: Traefik replaces `X-Forwarded-For` from untrusted clients with their address, and Pomerium'
    + ' trusts that one hop (`xff_num_trusted_hops: 1`). So Traefik must see the real client:',
    '',
    '- Publish Traefik\'s ports so Docker keeps the source address (under Swarm: `mode: host` ports; the ingress routing mesh replaces it).',
    '- If a load balancer sits in front of Traefik, let it speak PROXY protocol and tell Traefik to trust it:'
    + ' `--entryPoints.<entrypoint>.proxyProtocol.trustedIPs=<balancer addresses>`. With an HTTP balancer that sets `X-Forwarded-For`'
    + ' (`--entryPoints.<entrypoint>.forwardedHeaders.trustedIPs=<balancer addresses>`), NetBox sees the client, but Pomerium, trusting one hop,'
    + ' sees the balancer: do not rely on `apiSourceRanges` there.',
    '- Never trust all addresses (`forwardedHeaders.insecure`): any client could then claim an allowed address.',
  ];
}
