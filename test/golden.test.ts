import { Testing } from 'projen';
import { ADOPTION } from './adopt-fixtures';
import { refusal, SEED } from './util';
import {
  ApiAccess, Criteria, EmailSecurity, IdpProvider, Matcher, NetboxPomeriumProject, NetboxPomeriumProjectOptions, Policy, SwarmTraefikVersion,
} from '../src';
import { NETBOX_RELEASES } from '../src/netbox/netbox-releases';

/**
 * The golden net under refactors: the whole synthesis output (every file projen writes, `.env`
 * reduced to its shape) for a matrix of declarations, and the text of every refusal and warning.
 * A refactor keeps these byte-identical; a deliberate change is its own commit that says why.
 */

const GRAFANA = { name: 'grafana', image: 'grafana/grafana:11.3.0', port: 3000, host: 'grafana.example.org' };
const WIKI = {
  name: 'wiki',
  image: 'requarks/wiki:2.5',
  port: 3000,
  host: 'wiki.example.org',
  policy: Policy.allow(Criteria.groups('wiki-editors')),
  passIdentityHeaders: true,
  environment: { DB_TYPE: 'sqlite', DB_FILEPATH: '/wiki/db.sqlite' },
};

const PLUGINS: Partial<NetboxPomeriumProjectOptions> = {
  netboxVersion: 'v4.5-4.0.0',
  userSecrets: [{ name: 'INVENTORY_SYNC_TOKEN', description: 'API token netbox-inventory syncs with' }],
  plugins: [
    { package: 'netbox-topology-views', version: '4.5.1', config: { allow_coordinates_saving: true, always_save_coordinates: false } },
    { package: 'netbox-inventory', version: '2.5.1', config: { used_status_name: 'used' }, secrets: { sync_token: 'INVENTORY_SYNC_TOKEN' }, buildSteps: ['mkdir -p /opt/netbox/netbox/media/inventory'] },
  ],
};

/** name → a project built from a declaration (some through addApp). */
const MATRIX: Record<string, () => NetboxPomeriumProject> = {
  'seed': () => new NetboxPomeriumProject(SEED),
  'seed, swarm': () => new NetboxPomeriumProject({ ...SEED, swarm: true }),
  'seed, swarm with non-default options': () => new NetboxPomeriumProject({
    ...SEED,
    swarm: true,
    swarmOptions: { traefikVersion: SwarmTraefikVersion.BEFORE_V3_2_2, pomeriumReplicas: 3, netboxReplicas: 2, workerReplicas: 2, dataNodeLabel: 'db' },
  }),
  'apps, one through addApp': () => {
    const project = new NetboxPomeriumProject({ ...SEED, apps: [GRAFANA] });
    project.addApp(WIKI);
    return project;
  },
  'apps with swarm': () => new NetboxPomeriumProject({ ...SEED, swarm: true, apps: [GRAFANA, WIKI] }),
  'custom authenticate host and port': () => new NetboxPomeriumProject({ ...SEED, authenticateHost: 'login.example.org', pomeriumPort: 8443 }),
  'benign overrides': () => new NetboxPomeriumProject({
    ...SEED,
    composeOverrides: { 'services.netbox.environment.BANNER_TOP': 'Lab', 'services.postgres.shm_size': '256m' },
    netboxEnvironment: { BANNER_BOTTOM: 'Managed by projen', MAINTENANCE_MODE: 'false' },
  }),
  'policy builder': () => new NetboxPomeriumProject({
    ...SEED,
    allowedDomains: undefined,
    allowedGroups: undefined,
    allowedEmails: undefined,
    policy: Policy.combine(
      Policy.allow(Criteria.and(Criteria.domain('example.org'), Criteria.claim('department', Matcher.has('netops')))),
      Policy.deny(Criteria.or(Criteria.sourceIp('203.0.113.0/24'), Criteria.httpPath('/admin/'))),
    ),
  }),
  'policy nobody, generic OIDC': () => new NetboxPomeriumProject({
    ...SEED,
    idpProvider: IdpProvider.OIDC,
    idpProviderUrl: 'https://sso.example.org/realms/main',
    allowedDomains: undefined,
    allowedGroups: undefined,
    allowedEmails: undefined,
    policy: Policy.nobody(),
  }),
  'api token access': () => new NetboxPomeriumProject({ ...SEED, apiAccess: ApiAccess.TOKEN }),
  'api token access from source ranges, swarm, oldest release': () => new NetboxPomeriumProject({
    ...SEED, apiAccess: ApiAccess.TOKEN, apiSourceRanges: ['10.20.0.0/16', '192.0.2.7'], swarm: true, netboxVersion: 'v3.0-1.4.1',
  }),
  'backups scheduled, copied, encrypted, with swarm': () => new NetboxPomeriumProject({
    ...SEED,
    swarm: true,
    backups: {
      schedule: 'Mon..Fri 22:00',
      keep: 14,
      copyCommand: 'rclone copy "$BACKUP_SET" offsite:netbox/"$BACKUP_NAME"',
      recipients: ['age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p'],
    },
  }),
  'adopted seed stack (netbox-docker 1.4.1, Postgres 13, claim sub)': () => new NetboxPomeriumProject({
    ...SEED,
    name: 'netbox-pomerium',
    netboxVersion: 'v3.0-1.4.1',
    adoption: {
      ...ADOPTION,
      composeFile: '/srv/netbox/docker-compose.yml',
      redisDataVolume: 'netbox_netbox-redis-data',
      userClaim: 'sub',
    },
  }),
  'seed, kubernetes': () => new NetboxPomeriumProject({ ...SEED, kubernetes: true }),
  'apps, group sync, kubernetes with non-default options': () => new NetboxPomeriumProject({
    ...SEED,
    superusers: ['admin@example.org'],
    superuserGroups: ['netbox-admins'],
    apps: [GRAFANA, WIKI],
    kubernetes: true,
    kubernetesOptions: {
      namespace: 'ipam',
      traefikNamespace: 'kube-system',
      traefikPodLabels: { 'app.kubernetes.io/name': 'traefik', 'app.kubernetes.io/instance': 'traefik-kube-system' },
      storageClass: 'fast',
      readWriteManyStorageClass: 'nfs',
      postgresStorageSize: '20Gi',
      redisStorageSize: '512Mi',
      mediaStorageSize: '50Gi',
      scriptsStorageSize: '2Gi',
      netboxReplicas: 2,
      workerReplicas: 2,
      pomeriumReplicas: 3,
    },
  }),
  'oldest release, kubernetes and swarm': () => new NetboxPomeriumProject({ ...SEED, netboxVersion: 'v3.0-1.4.1', swarm: true, kubernetes: true }),
  'google with domains only': () => new NetboxPomeriumProject({
    ...SEED, idpProvider: IdpProvider.GOOGLE, idpProviderUrl: undefined, allowedGroups: undefined, allowedEmails: undefined,
  }),
  'break glass options, swarm, superuser groups only': () => new NetboxPomeriumProject({
    ...SEED, swarm: true, breakGlass: { port: 9443, minutes: 15 }, superuserGroups: ['62f8f72a-3e06-11ec-9bbc-0242ac130002'],
  }),
  'isolated': () => new NetboxPomeriumProject({ ...SEED, isolated: true }),
  'isolated on netbox-docker 3.0.2 (settings in the mounted file)': () => new NetboxPomeriumProject({ ...SEED, isolated: true, netboxVersion: 'v4.1-3.0.2' }),
  'email through the flags\' shorthands, time zone': () => new NetboxPomeriumProject({
    ...SEED, emailServer: 'smtp.example.org', emailFrom: 'netbox@example.org', emailUsername: 'netbox', timeZone: 'Europe/Berlin',
  }),
  'email struct, TLS, no user': () => new NetboxPomeriumProject({
    ...SEED, email: { server: 'smtp.example.org', port: 465, security: EmailSecurity.TLS, fromAddress: 'netbox@example.org', timeoutSeconds: 30 },
  }),
  'proxy with credentials, for Pomerium too, private IdP CA': () => new NetboxPomeriumProject({
    ...SEED,
    outboundProxy: 'http://proxy.example.org:3128',
    outboundProxyCredentials: true,
    outboundProxyForPomerium: true,
    idpCertificateAuthorityFile: 'pomerium/idp-ca.pem',
    apps: [GRAFANA],
  }),
  'userSecrets': () => new NetboxPomeriumProject({
    ...SEED,
    apps: [GRAFANA],
    userSecrets: [{ name: 'DIODE_CLIENT_SECRET', description: 'Client secret of the Diode plugin' }, { name: 'GF_DATABASE_PASSWORD', services: ['grafana'] }],
  }),
  'userSecrets and email with swarm, plain proxy': () => new NetboxPomeriumProject({
    ...SEED,
    swarm: true,
    outboundProxy: 'http://proxy.example.org:3128',
    emailServer: 'smtp.example.org',
    emailFrom: 'netbox@example.org',
    emailUsername: 'netbox',
    userSecrets: [{ name: 'DIODE_CLIENT_SECRET' }],
  }),
  'plugins: two from the table, a secret, a build step': () => new NetboxPomeriumProject({ ...SEED, ...PLUGINS }),
  'plugins with swarm and kubernetes, branching last': () => new NetboxPomeriumProject({
    ...SEED,
    ...PLUGINS,
    plugins: [...PLUGINS.plugins!, { package: 'netboxlabs-netbox-branching', version: '1.1.2' }],
    swarm: true,
    swarmOptions: { pluginImageRepository: 'registry.example.org/netops/netbox' },
    kubernetes: true,
    kubernetesOptions: { pluginImageRepository: 'registry.example.org/netops/netbox' },
  }),
};
for (const release of NETBOX_RELEASES) {
  MATRIX[`${release.tag} with superusers and groups`] = () => new NetboxPomeriumProject({
    ...SEED, netboxVersion: release.tag, superusers: ['admin@example.org'], superuserGroups: ['netbox-admins'], defaultGroups: ['Default'],
  });
}

/** The synthesis output; `.env` keeps its comments and names, each value replaced by its length. */
function golden(project: NetboxPomeriumProject): Record<string, any> {
  const files = Testing.synth(project);
  files['.env'] = files['.env'].split('\n')
    .map((line: string) => line.replace(/^([A-Z0-9_]+)='(.*)'$/, (_m, name, value) => `${name}=<${value.length} chars>`))
    .join('\n');
  // The Kubernetes secrets file (kubernetes on): unquoted values, reduced the same way.
  if (files['k8s/secrets.env'] !== undefined) {
    files['k8s/secrets.env'] = files['k8s/secrets.env'].split('\n')
      .map((line: string) => line.replace(/^([A-Z0-9_]+)=(.*)$/, (_m, name, value) => `${name}=<${value.length} chars>`))
      .join('\n');
  }
  return files;
}

/** What the project warns about during synthesis, in order. */
function warningsOf(project: NetboxPomeriumProject): string[] {
  const warnings: string[] = [];
  const spy = jest.spyOn(project.logger, 'warn').mockImplementation((...text: any[]) => { warnings.push(text.join(' ')); });
  try {
    Testing.synth(project);
  } finally {
    spy.mockRestore();
  }
  return warnings;
}

describe('golden synthesis output', () => {
  test.each(Object.keys(MATRIX))('%s', (name) => {
    const files = golden(MATRIX[name]());
    // Explicit anchors beside the snapshot: the files every deployment has.
    for (const file of ['compose.yaml', 'pomerium/config.yaml', 'env/netbox.env', 'env/postgres.env', 'README.md', '.env', 'scripts/netbox-data.sh']) {
      expect(files[file]).toEqual(expect.any(String));
    }
    expect(Object.keys(files['.projen/tasks.json'].tasks)).toEqual(expect.arrayContaining(['up', 'down', 'backup', 'restore', 'rotate-secret']));
    expect(files).toMatchSnapshot();
  });
});

describe('golden warnings', () => {
  const WARNED: Record<string, Partial<NetboxPomeriumProjectOptions>> = {
    'bypass opt-out': { dangerouslyAllowNetboxBypassingPomerium: true },
    'ignored inherited options': { jest: true, eslint: true } as Partial<NetboxPomeriumProjectOptions>,
    'azure group sync with GUIDs': { superuserGroups: ['62f8f72a-3e06-11ec-9bbc-0242ac130002'] },
    'github groups': { idpProvider: IdpProvider.GITHUB, idpProviderUrl: undefined, allowedGroups: ['netops'] },
    'netbox 3.0 logout': { netboxVersion: 'v3.0-1.4.1', superusers: ['admin@example.org'] },
    'plugins: unknown plugin and unlisted release': { netboxVersion: 'v4.5-4.0.0', plugins: [{ package: 'netbox-acme', version: '1.0.0' }, { package: 'netbox-inventory', version: '2.5.9' }] },
    'policy that allows everyone': { allowedDomains: undefined, allowedGroups: undefined, allowedEmails: undefined, policy: Policy.allow(Criteria.accept()) },
  };
  test.each(Object.keys(WARNED))('%s', (name) => {
    const warnings = warningsOf(new NetboxPomeriumProject({ ...SEED, ...WARNED[name] }));
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings).toMatchSnapshot();
  });

  test('the seed warns about nothing but its IdP preset', () => {
    expect(warningsOf(new NetboxPomeriumProject(SEED))).toMatchSnapshot();
  });
});

describe('golden refusals', () => {
  const REFUSED: Record<string, Partial<NetboxPomeriumProjectOptions>> = {
    'bad host, URL, e-mail, domain and group at once': {
      domain: 'netbox example.org',
      idpProviderUrl: 'http://login.example.org',
      allowedEmails: ['nobody'],
      allowedDomains: ['@example.org'],
      allowedGroups: ['Net Box'],
    },
    'authenticate host equal to the domain': { authenticateHost: 'netbox.example.org' },
    'unknown release': { netboxVersion: 'v9.9-9.9.9' },
    'pomerium port conflict': { pomeriumPort: 5443 },
    'env name, line break and identity setting': {
      netboxEnvironment: { 'MY-VAR': '1', 'BANNER_TOP': 'a\nb', 'REMOTE_AUTH_HEADER': 'HTTP_REMOTE_USER' },
    },
    'superuser and group names': { superusers: ['admin'], defaultGroups: ['$HOME'], superuserGroups: ['a,b'] },
    'docker and traefik names': { traefikNetwork: 'netbox', traefikEntrypoint: 'web secure', traefikCertResolver: 'l e' },
    'apps: duplicate host, bad port, empty policy': {
      apps: [{ ...GRAFANA, host: 'netbox.example.org' }, { ...WIKI, port: 0, policy: Policy.allow(Criteria.or()) }],
    },
    'overrides that publish NetBox and label it': {
      composeOverrides: { 'services.netbox.ports': ['8000:8080'], 'services.netbox.labels': { 'traefik.enable': 'true' } },
    },
    'override that deletes a service': { composeOverrides: { 'services.redis': null } },
    'override that joins the proxy network': { composeOverrides: { 'services.postgres.networks': ['traefik-proxy', 'netbox'] } },
    'swarm: bad replicas and label': { swarm: true, swarmOptions: { netboxReplicas: 0, dataNodeLabel: 'bad label' } },
    'kubernetes: replicas on ReadWriteOnce files, bad names and sizes': {
      kubernetes: true, kubernetesOptions: { netboxReplicas: 2, namespace: 'IPAM', traefikPodLabels: {}, mediaStorageSize: 'lots' },
    },
    'swarm: a secret the stack cannot deliver': {
      swarm: true, apps: [GRAFANA], composeOverrides: { 'services.grafana.environment.GF_DATABASE_PASSWORD': '${POSTGRES_PASSWORD:?x}' },
    },
    'swarm: project name too long, with another problem': { name: 'netbox-for-the-network-operations-team', swarm: true, swarmOptions: { workerReplicas: 0 } },
    'idp tenant on a provider without one': { idpProvider: IdpProvider.GITHUB, idpProviderUrl: undefined, idpTenant: 'example' },
    'entra common endpoint': { idpProviderUrl: 'https://login.microsoftonline.com/common/v2.0' },
    'policy matcher on the wrong criterion': { policy: Policy.allow(Criteria.matching('email' as any, Matcher.has('x'))) },
    'bad CIDR and method': { policy: Policy.allow(Criteria.or(Criteria.sourceIp('10.0.0.0/33'), Criteria.httpMethod('FETCH'))) },
    'short unknown release next to allowPostgresUpgrade': { allowPostgresUpgrade: true, netboxVersion: 'v9' },
    'header forgery: old Pomerium, underscore override, IP as domain, bad API range': {
      pomeriumImage: 'pomerium/pomerium:v0.32.9',
      composeOverrides: { 'services.pomerium.environment.HEADERS_WITH_UNDERSCORES_ACTION': 'allow' },
      domain: '192.0.2.10',
      apiAccess: ApiAccess.TOKEN,
      apiSourceRanges: ['10.0.0.0/33'],
    },
    'egress: isolated with a proxy, a secret in netboxEnvironment, a bad time zone': {
      isolated: true, outboundProxy: 'http://user:secret@proxy.example.org:3128', netboxEnvironment: { PLUGIN_API_TOKEN: 'x' }, timeZone: 'Berlin',
    },
    'email and user secrets': {
      emailServer: 'smtp example.org', emailUsername: 'netbox', userSecrets: [{ name: 'EMAIL_PASSWORD' }, { name: 'x', services: ['redis'] }],
    },
    'override that puts Postgres on the egress network': { composeOverrides: { 'services.postgres.networks': ['netbox', 'netbox-egress'] } },
    'plugins: a pin outside the release\'s range': { netboxVersion: 'v4.5-4.0.0', plugins: [{ package: 'netbox-plugin-dns', version: '1.4.8' }] },
    'plugins: every bad input at once': {
      netboxVersion: 'v4.5-4.0.0',
      plugins: [
        { package: 'netbox inventory', version: '>=2.5' },
        { package: 'netbox-qrcode', version: '0.0.20', module: 'netbox-qrcode', config: { when: new Date(0), api_key: 'literal' } },
        { package: 'Netbox_QRCode', version: '0.0.20', secrets: { token: 'UNDECLARED' }, buildSteps: ['a\nb'] },
        { package: 'netboxlabs-netbox-branching', version: '1.1.2' },
        { package: 'netbox-attachments', version: '11.0.1' },
      ],
    },
    'plugins on swarm and kubernetes without a registry': { netboxVersion: 'v4.5-4.0.0', plugins: [{ package: 'netbox-inventory', version: '2.5.1' }], swarm: true, kubernetes: true },
  };
  test.each(Object.keys(REFUSED))('%s', (name) => {
    const message = refusal(REFUSED[name]);
    expect(message).toMatch(/^netbox-pomerium: the declaration has \d+ problems?; nothing was written\./);
    expect(message).toMatchSnapshot();
  });
});
