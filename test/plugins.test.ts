import * as path from 'path';
import { parse } from 'yaml';
import { BRANCHING_IMAGE_MODULES, CONFIGURATION_MODULE, dockerfileBase, dockerfileInstructions, runPluginsPy } from './plugin-checks';
import { composeSpecErrors, dockerComposeV2, dockerComposeV2Resolved, dockerStackConfig, writeTree } from './real-validators';
import { refusal, SEED, synth } from './util';
import { NetboxPluginOptions, NetboxPomeriumProjectOptions } from '../src';
import { NETBOX_RELEASES } from '../src/netbox/netbox-releases';
import { compileDeployment } from '../src/plan/compile';
import { KNOWN_PLUGINS, supports } from '../src/plugins/plugin-catalog';
import { pythonLiteral } from '../src/plugins/plugin-image';

const V45 = 'v4.5-4.0.0';
const TOPOLOGY: NetboxPluginOptions = { package: 'netbox-topology-views', version: '4.5.1', config: { allow_coordinates_saving: true } };
const INVENTORY: NetboxPluginOptions = { package: 'netbox-inventory', version: '2.5.1', config: { used_status_name: 'used', prefill_asset_name_create_inventoryitem: false } };
const WITH_PLUGINS: Partial<NetboxPomeriumProjectOptions> = { netboxVersion: V45, plugins: [TOPOLOGY, INVENTORY] };
const NETBOX_SERVICES = ['netbox', 'netbox-worker'];
const FILES = ['netbox-plugins/Dockerfile', 'netbox-plugins/plugin_requirements.txt', 'netbox-plugins/plugins.py'];

const warningsOf = (options: Partial<NetboxPomeriumProjectOptions>) => compileDeployment({ ...SEED, ...options }).model.warnings;
const tasksOf = (files: Record<string, any>) => JSON.parse(JSON.stringify(files['.projen/tasks.json'])).tasks;

describe('without plugins', () => {
  test('nothing of the plugin image is generated and NetBox runs the stock image', () => {
    const s = synth({ netboxVersion: V45 });
    for (const file of FILES) expect(s.files[file]).toBeUndefined();
    for (const service of NETBOX_SERVICES) {
      expect(s.compose.services[service].image).toBe(`netboxcommunity/netbox:${V45}`);
      expect(s.compose.services[service].build).toBeUndefined();
      expect(s.compose.services[service].pull_policy).toBeUndefined();
      expect(s.compose.services[service].volumes.join(' ')).not.toContain('plugins.py');
    }
    expect(tasksOf(s.files).build).toBeUndefined();
    expect(tasksOf(s.files).push).toBeUndefined();
    expect(s.files['.gitattributes']).not.toContain('netbox-plugins');
  });
});

describe('two plugins from the table', () => {
  const s = synth(WITH_PLUGINS);
  const image = s.compose.services.netbox.image;

  test('web service and worker run one locally built image named after the project, the NetBox tag and the plugin set', () => {
    expect(image).toMatch(new RegExp(`^netbox-netbox:${V45.replace(/\./g, '\\.')}-plugins-[0-9a-f]{12}$`));
    expect(s.compose.services['netbox-worker'].image).toBe(image);
    expect(s.compose.services.netbox.build).toEqual({ context: './netbox-plugins' });
    expect(s.compose.services['netbox-worker'].build).toBeUndefined();
    for (const service of NETBOX_SERVICES) {
      expect(s.compose.services[service].pull_policy).toBe('never');
      expect(s.compose.services[service].volumes).toContain('./netbox-plugins/plugins.py:/etc/netbox/config/plugins.py:ro');
    }
  });

  test('the Dockerfile starts from the exact netbox-docker tag, installs with uv, runs the plugin\'s build step, collects static files last', () => {
    const dockerfile = s.files['netbox-plugins/Dockerfile'];
    expect(dockerfileBase(dockerfile)).toBe(`netboxcommunity/netbox:${V45}`);
    const instructions = dockerfileInstructions(dockerfile);
    expect(instructions.map((i) => i.keyword)).toEqual(['FROM', 'COPY', 'RUN', 'RUN', 'COPY', 'RUN']);
    expect(instructions[1].args).toBe('plugin_requirements.txt /opt/netbox/plugin_requirements.txt');
    expect(instructions[2].args).toBe('/usr/local/bin/uv pip install --no-cache --python /opt/netbox/venv/bin/python -r /opt/netbox/plugin_requirements.txt');
    expect(instructions[3].args).toBe('mkdir -p /opt/netbox/netbox/static/netbox_topology_views/img');
    expect(instructions[4].args).toBe('plugins.py /etc/netbox/config/plugins.py');
    expect(instructions[5].args).toMatch(/^SECRET_KEY="[^"]{50,}" \/opt\/netbox\/venv\/bin\/python \/opt\/netbox\/netbox\/manage\.py collectstatic --no-input$/);
  });

  test('requirements pin every plugin with ==', () => {
    const lines = s.files['netbox-plugins/plugin_requirements.txt'].split('\n').filter((l: string) => l && !l.startsWith('#'));
    expect(lines).toEqual(['netbox-topology-views==4.5.1', 'netbox-inventory==2.5.1']);
  });

  test('plugins.py run by python3 yields exactly the declared PLUGINS and PLUGINS_CONFIG', () => {
    const result = runPluginsPy(s.files['netbox-plugins/plugins.py']);
    expect(result.PLUGINS).toEqual(['netbox_topology_views', 'netbox_inventory']);
    expect(result.PLUGINS_CONFIG).toEqual({ netbox_topology_views: TOPOLOGY.config, netbox_inventory: INVENTORY.config });
    expect(result.other).toEqual({});
  });

  test('tasks: build runs docker build on the context under the image\'s name (no .env needed); pull is plain; no push without a cluster', () => {
    const tasks = tasksOf(s.files);
    expect(tasks.build.steps[0].exec).toBe(`docker build -t ${image} netbox-plugins`);
    // Compose skips the services on pull_policy: never.
    expect(tasks.pull.steps[0].exec).toBe('docker compose -p netbox -f compose.yaml pull');
    expect(tasks.push).toBeUndefined();
  });

  test('the runbook names the image and every plugin', () => {
    const runbook = s.files['README.md'];
    expect(runbook).toContain('## Plugins');
    expect(runbook).toContain(image);
    expect(runbook).toMatch(/\| netbox-topology-views \| 4\.5\.1 \| `netbox_topology_views` \| table: PyPI netbox-topology-views 4\.7\.0 README/);
    expect(runbook).toMatch(/\| netbox-inventory \| 2\.5\.1 \| `netbox_inventory` \| table: netbox-inventory README table/);
  });

  test('Compose v2 accepts the file with its build context, and resolves web and worker to the one built image', () => {
    expect(composeSpecErrors(s.files['compose.yaml'])).toEqual([]);
    const dir = writeTree({ ...s.files, '.env': `${s.dotenv}IDP_CLIENT_SECRET='x'\n` });
    expect(dockerComposeV2(dir)).toEqual({ status: 0, output: '' });
    const resolved = dockerComposeV2Resolved(dir);
    expect(resolved.services.netbox.image).toBe(image);
    expect(resolved.services['netbox-worker'].image).toBe(image);
    expect(resolved.services.netbox.build.context).toBe(path.join(dir, 'netbox-plugins'));
  });
});

describe('the image tag follows what goes into the image', () => {
  const imageOf = (options: Partial<NetboxPomeriumProjectOptions>) => synth({ ...WITH_PLUGINS, ...options }).compose.services.netbox.image;
  const base = imageOf({});

  test('a changed version, config or build step is a new tag; the domain is not', () => {
    expect(imageOf({ plugins: [TOPOLOGY, { ...INVENTORY, version: '2.5.2', compatibilityChecked: true }] })).not.toBe(base);
    expect(imageOf({ plugins: [TOPOLOGY, { ...INVENTORY, config: { used_status_name: 'in-use' } }] })).not.toBe(base);
    expect(imageOf({ plugins: [TOPOLOGY, { ...INVENTORY, buildSteps: ['true'] }] })).not.toBe(base);
    expect(imageOf({ domain: 'ipam.example.org' })).toBe(base);
  });
});

describe('plugin secrets', () => {
  const options: Partial<NetboxPomeriumProjectOptions> = {
    ...WITH_PLUGINS,
    userSecrets: [{ name: 'INVENTORY_API_TOKEN' }],
    plugins: [TOPOLOGY, { ...INVENTORY, secrets: { sync_token: 'INVENTORY_API_TOKEN' } }],
  };

  test('plugins.py reads the secret when NetBox starts: from the variable (Compose) or the file NAME_FILE names (Swarm); never a literal', () => {
    const s = synth(options);
    const source = s.files['netbox-plugins/plugins.py'];
    expect(source).not.toMatch(/sync_token": "/);
    expect(runPluginsPy(source, { INVENTORY_API_TOKEN: 's3cr"et' }).PLUGINS_CONFIG).toEqual({
      netbox_topology_views: TOPOLOGY.config,
      netbox_inventory: { ...INVENTORY.config, sync_token: 's3cr"et' },
    });
    const dir = writeTree({ token: 'from-swarm' });
    expect((runPluginsPy(source, { INVENTORY_API_TOKEN_FILE: `${dir}/token` }).PLUGINS_CONFIG as any).netbox_inventory.sync_token).toBe('from-swarm');
    for (const service of NETBOX_SERVICES) {
      expect(s.compose.services[service].environment.INVENTORY_API_TOKEN).toBe('${INVENTORY_API_TOKEN:?put the value of this secret you supply into .env}');
    }
  });

  test('a secret that does not reach the worker, or is not declared, is refused', () => {
    const message = refusal({ ...options, userSecrets: [{ name: 'INVENTORY_API_TOKEN', services: ['netbox'] }] });
    expect(message).toContain('plugins[1].secrets.sync_token: names a secret that does not reach netbox-worker, where the plugin runs (got "INVENTORY_API_TOKEN").');
    expect(refusal({ ...options, userSecrets: [] })).toContain(
      'plugins[1].secrets.sync_token: is not the name of a secret declared in userSecrets (got "INVENTORY_API_TOKEN"). Declare it: userSecrets: [{ name: "INVENTORY_API_TOKEN" }]');
  });

  test('a literal under a secret-sounding setting is refused without showing it', () => {
    const message = refusal({ ...WITH_PLUGINS, plugins: [{ ...INVENTORY, config: { api_token: 'tok-123' } }] });
    expect(message).toContain('plugins[0].config.api_token: names a secret value, which would be committed with plugins.py (got "<hidden>").');
    expect(message).not.toContain('tok-123');
  });
});

describe('compatibility with the NetBox release', () => {
  test('a well-known plugin pinned outside the release\'s range is refused, naming plugin, version, range and the fitting release', () => {
    const message = refusal({ netboxVersion: V45, plugins: [{ package: 'netbox-inventory', version: '2.4.1' }] });
    expect(message).toContain('plugins[0].version: netbox-inventory 2.4.1 supports NetBox 4.4.0 to 4.4.x, which does not cover NetBox 4.5 '
      + '(netboxVersion "v4.5-4.0.0"), an image known to carry NetBox 4.5.0 or a later patch (got "2.4.1"). Use 2.5.1');
    expect(message).toContain('set compatibilityChecked: true on the entry');
  });

  test('compatibilityChecked lets the user overrule the table', () => {
    expect(() => synth({ netboxVersion: V45, plugins: [{ package: 'netbox-inventory', version: '2.4.1', compatibilityChecked: true }] })).not.toThrow();
  });

  test('a patch floor above what the image is known to carry cannot be shown to fit', () => {
    // diode 1.7.0 needs NetBox 4.4.10; the v4.4 image is only known to carry 4.4.0 or later.
    expect(refusal({ netboxVersion: 'v4.4-3.4.1', plugins: [{ package: 'netboxlabs-diode-netbox-plugin', version: '1.7.0' }] }))
      .toContain('supports NetBox 4.4.10 to 4.5.x, which does not cover NetBox 4.4');
  });

  test('an unknown plugin, or a release the table lacks, is warned about, not refused', () => {
    expect(warningsOf({ netboxVersion: V45, plugins: [{ package: 'netbox-acme-thing', version: '1.0.0' }] })).toContainEqual(
      expect.stringMatching(/^plugins\[0\]: the compatibility of netbox-acme-thing 1\.0\.0 with NetBox 4\.5 .* was not checked: the plugin is not in the built-in table/));
    expect(warningsOf({ netboxVersion: V45, plugins: [{ package: 'netbox-inventory', version: '2.5.9' }] })).toContainEqual(
      expect.stringContaining('this release is not in the built-in table'));
    expect(warningsOf({ netboxVersion: V45, plugins: [{ package: 'netbox-acme-thing', version: '1.0.0', compatibilityChecked: true }] })
      .filter((w) => w.startsWith('plugins['))).toEqual([]);
  });

  test.each(KNOWN_PLUGINS.flatMap((k) => k.releases.map((r) => [`${k.package} ${r.version}`, r] as const)))('%s fits a supported release and names its source', (_name, release) => {
    // A row no supported netboxVersion can satisfy would only ever refuse.
    expect(NETBOX_RELEASES.filter((r) => supports(release, r.netbox)).length).toBeGreaterThan(0);
    expect(release.source).toMatch(/(__init__|COMPATIBILITY|README|netbox-plugin\.yaml|#\d+)/);
  });

  test('every table row\'s plugin has its module and at least one release', () => {
    for (const k of KNOWN_PLUGINS) {
      expect(k.module).toMatch(/^[a-z_]+$/);
      expect(k.releases.length).toBeGreaterThan(0);
    }
    expect(KNOWN_PLUGINS.length).toBe(10);
  });

  test('the range check: minor inside, patch floor and patch cap', () => {
    const row = { version: '1', netboxMin: [4, 4, 0] as const, netboxMax: [4, 5, 99] as const, source: 's' };
    expect(supports(row, [4, 4, 0])).toBe(true);
    expect(supports(row, [4, 5, 0])).toBe(true);
    expect(supports(row, [4, 6, 0])).toBe(false);
    expect(supports(row, [4, 3, 0])).toBe(false);
    expect(supports({ ...row, netboxMin: [4, 4, 10] }, [4, 4, 0])).toBe(false);
    expect(supports({ ...row, netboxMax: [4, 5, 2] }, [4, 5, 0])).toBe(false);
  });
});

describe('bad input is refused before anything is written', () => {
  test.each([
    ['a range instead of a pin', { package: 'netbox-inventory', version: '>=2.5' }, 'plugins[0].version: is not an exact version (got ">=2.5")'],
    ['"==" in the version', { package: 'netbox-inventory', version: '==2.5.1' }, 'plugins[0].version: is not an exact version (got "==2.5.1")'],
    ['a wildcard', { package: 'netbox-inventory', version: '2.5.*' }, 'plugins[0].version: is not an exact version (got "2.5.*")'],
    ['an invalid package name', { package: 'netbox inventory', version: '2.5.1' }, 'plugins[0].package: is not a PyPI package name (got "netbox inventory")'],
    ['an invalid module', { package: 'netbox-inventory', version: '2.5.1', module: 'netbox-inventory' }, 'plugins[0].module: is not a Python module name (got "netbox-inventory")'],
    ['a config value that is not JSON', { package: 'netbox-inventory', version: '2.5.1', config: { when: new Date(0) } }, 'plugins[0].config.when: is not a JSON value (got "a Date object")'],
    ['a config that refers to itself', { package: 'netbox-inventory', version: '2.5.1', config: cyclic() }, 'plugins[0].config.self: is not a JSON value (got "a reference to an enclosing value (a cycle)")'],
    ['a build step ending in a backslash', { package: 'netbox-inventory', version: '2.5.1', buildSteps: ['echo a \\'] }, 'plugins[0].buildSteps[0]: is not a one-line shell command'],
    ['a build step in exec form', { package: 'netbox-inventory', version: '2.5.1', buildSteps: ['["echo", "a"]'] }, 'plugins[0].buildSteps[0]: is not a one-line shell command'],
    ['a build step with a heredoc', { package: 'netbox-inventory', version: '2.5.1', buildSteps: ['cat <<EOF > /x'] }, 'plugins[0].buildSteps[0]: is not a one-line shell command'],
    ['a secret literal nested in the config', { package: 'netbox-inventory', version: '2.5.1', config: { sync: { api_token: 'tok' } } }, 'plugins[0].config.sync.api_token: names a secret value'],
    ['NaN in the config', { package: 'netbox-inventory', version: '2.5.1', config: { limits: [1, NaN] } }, 'plugins[0].config.limits[1]: is not a JSON value (got "NaN")'],
    ['a multi-line build step', { package: 'netbox-inventory', version: '2.5.1', buildSteps: ['echo a\necho b'] }, 'plugins[0].buildSteps[0]: is not a one-line shell command'],
  ])('%s', (_name, plugin, expected) => {
    const message = refusal({ netboxVersion: V45, plugins: [plugin as NetboxPluginOptions] });
    expect(message).toContain(expected);
    expect(message).toMatch(/^netbox-pomerium: the declaration has \d+ problems?; nothing was written\./);
  });

  test('the same plugin twice (by its normalized name), and two plugins with one module', () => {
    const message = refusal({ netboxVersion: V45, plugins: [INVENTORY, { ...INVENTORY, package: 'Netbox_Inventory' }] });
    expect(message).toContain('plugins[1].package: is the plugin of plugins[0] again (got "Netbox_Inventory"). Declare each plugin once.');
    expect(refusal({ netboxVersion: V45, plugins: [INVENTORY, { package: 'netbox-inventory-extras', version: '1.0.0', module: 'netbox_inventory' }] }))
      .toContain('plugins[1].module: repeats the module of plugins[0].module (got "netbox_inventory")');
  });
});

describe('clusters cannot build: Swarm and Kubernetes run a pushed image', () => {
  test('swarm without a repository is refused with the reason', () => {
    expect(refusal({ ...WITH_PLUGINS, swarm: true })).toContain(
      'swarmOptions.pluginImageRepository: is missing, and a Swarm stack cannot build the NetBox image with the plugins (got nothing).');
    expect(refusal({ ...WITH_PLUGINS, kubernetes: true })).toContain(
      'kubernetesOptions.pluginImageRepository: is missing, and a Kubernetes cluster cannot build the NetBox image with the plugins (got nothing).');
    expect(refusal({ ...WITH_PLUGINS, swarm: true, swarmOptions: { pluginImageRepository: 'registry.example.org/netbox:v1' } })).toContain(
      'swarmOptions.pluginImageRepository: is not a registry repository without tag (got "registry.example.org/netbox:v1")');
  });

  test('the stack runs the pushed image on every NetBox service, with no build; push builds, tags and pushes it', () => {
    const s = synth({ ...WITH_PLUGINS, swarm: true, swarmOptions: { pluginImageRepository: 'registry.example.org:5000/netops/netbox' } });
    const stack = parse(s.files['stack.yaml']);
    const local = s.compose.services.netbox.image;
    const pushed = `registry.example.org:5000/netops/netbox:${local.split(':')[1]}`;
    for (const service of NETBOX_SERVICES) {
      expect(stack.services[service].image).toBe(pushed);
      expect(stack.services[service].build).toBeUndefined();
      expect(stack.services[service].pull_policy).toBeUndefined();
    }
    expect(tasksOf(s.files).push.steps[0].exec).toBe(`docker build -t ${local} netbox-plugins && docker tag ${local} ${pushed} && docker push ${pushed}`);
    expect(s.files['swarm/stack.sh']).toContain('docker stack deploy -c stack.yaml --with-registry-auth "$@" "$STACK"');
    expect(composeSpecErrors(s.files['stack.yaml'])).toEqual([]);
    const dir = writeTree(s.files);
    const env = Object.fromEntries(stackNameVariables(s.files['stack.yaml']).map((v) => [v, 'x']));
    expect(dockerStackConfig(dir, 'stack.yaml', env).status).toBe(0);
  });

  test('the Kubernetes NetBox containers pull the pushed image', () => {
    const s = synth({ ...WITH_PLUGINS, kubernetes: true, kubernetesOptions: { pluginImageRepository: 'registry.example.org/netops/netbox' } });
    const images = Object.entries(s.files).filter(([f]) => f.startsWith('k8s/')).flatMap(([, text]) => String(text).match(/image: \S+/g) ?? []);
    const tag = s.compose.services.netbox.image.split(':')[1];
    expect(images.filter((i) => i.includes('netops/netbox'))).toEqual([`image: registry.example.org/netops/netbox:${tag}`, `image: registry.example.org/netops/netbox:${tag}`]);
    expect(images.join(' ')).not.toContain('netbox-netbox:');
  });

  test('a repository without plugins is only warned about', () => {
    expect(warningsOf({ swarm: true, swarmOptions: { pluginImageRepository: 'registry.example.org/netbox' } })).toContainEqual(
      'swarmOptions.pluginImageRepository has no effect without plugins: the stock netbox-docker image is used.');
  });
});

describe('netbox-branching: settings outside PLUGINS_CONFIG, and last in PLUGINS', () => {
  const BRANCHING: NetboxPluginOptions = { package: 'netboxlabs-netbox-branching', version: '1.1.2' };

  test('plugins.py wraps configuration.py\'s DATABASES and adds the router, after PLUGINS_CONFIG', () => {
    const s = synth({ netboxVersion: V45, plugins: [INVENTORY, BRANCHING] });
    const source = s.files['netbox-plugins/plugins.py'];
    expect(source.indexOf('DATABASE_ROUTERS')).toBeGreaterThan(source.indexOf('PLUGINS_CONFIG'));
    const result = runPluginsPy(source, {}, BRANCHING_IMAGE_MODULES, [], [CONFIGURATION_MODULE]);
    expect(result.PLUGINS).toEqual(['netbox_inventory', 'netbox_branching']);
    expect(result.other).toEqual({
      DATABASES: "{'default': {'NAME': 'netbox', 'HOST': 'postgres'}}",
      DATABASES_TYPE: 'DynamicSchemaDict',
      DATABASE_ROUTERS: "['netbox_branching.database.BranchAwareRouter']",
    });
  });

  test('not last, or on an image whose configuration has no DATABASES, is refused', () => {
    expect(refusal({ netboxVersion: V45, plugins: [BRANCHING, INVENTORY] })).toContain(
      'plugins[0]: must be the last plugin: netbox_branching adds branching only to the models of the plugins listed before it (got "netboxlabs-netbox-branching"). Move this entry to the end of plugins.');
    expect(refusal({ netboxVersion: 'v4.1-3.0.2', plugins: [{ ...BRANCHING, compatibilityChecked: true }] })).toContain(
      'plugins[0].package: needs a netbox-docker release whose configuration.py defines DATABASES (3.4.0 or later), which the generated settings of netbox_branching wrap; netboxVersion "v4.1-3.0.2" is netbox-docker 3.0.2');
  });
});

describe('edges', () => {
  test('an empty list is no plugins', () => {
    const s = synth({ netboxVersion: V45, plugins: [] });
    for (const file of FILES) expect(s.files[file]).toBeUndefined();
    expect(s.compose.services.netbox.image).toBe(`netboxcommunity/netbox:${V45}`);
  });

  test('housekeeping (releases before NetBox 4.4) runs the same image', () => {
    const s = synth({ netboxVersion: 'v4.1-3.0.2', plugins: [{ package: 'netbox-inventory', version: '2.2.1' }] });
    expect(s.compose.services['netbox-housekeeping'].image).toBe(s.compose.services.netbox.image);
    expect(s.compose.services.netbox.image).toMatch(/-plugins-/);
  });

  test('a plugin secret must be one the user declared, not one the declaration implies', () => {
    expect(refusal({
      ...WITH_PLUGINS,
      emailServer: 'smtp.example.org',
      emailFrom: 'netbox@example.org',
      emailUsername: 'netbox',
      plugins: [{ ...INVENTORY, secrets: { smtp: 'EMAIL_PASSWORD' } }],
    }))
      .toContain('plugins[0].secrets.smtp: is not the name of a secret declared in userSecrets (got "EMAIL_PASSWORD")');
  });

  test('a setting that names a secret (…_name) is not one', () => {
    expect(() => synth({ ...WITH_PLUGINS, plugins: [{ ...INVENTORY, config: { client_secret_name: 'netbox_to_diode' } }] })).not.toThrow();
  });

  test('a repository for a cluster that is off adds no push task', () => {
    const s = synth({ ...WITH_PLUGINS, swarmOptions: { pluginImageRepository: 'registry.example.org/netbox' } });
    expect(tasksOf(s.files).push).toBeUndefined();
    expect(s.files['README.md']).not.toContain('The cluster cannot build');
  });

  test('a compatibilityChecked pin is shown as the user\'s in the runbook', () => {
    const s = synth({ netboxVersion: V45, plugins: [{ package: 'netbox-inventory', version: '2.4.1', compatibilityChecked: true }] });
    expect(s.files['README.md']).toContain('| netbox-inventory | 2.4.1 | `netbox_inventory` | checked by you (compatibilityChecked) |');
  });
});

describe('releases before netbox-docker 3.2.0 install with the venv\'s pip', () => {
  test('v4.1-3.0.2', () => {
    const s = synth({ netboxVersion: 'v4.1-3.0.2', plugins: [{ ...INVENTORY, compatibilityChecked: true }] });
    const run = dockerfileInstructions(s.files['netbox-plugins/Dockerfile'])[2];
    expect(run.args).toBe('/opt/netbox/venv/bin/pip install --no-cache-dir -r /opt/netbox/plugin_requirements.txt');
    expect(dockerfileBase(s.files['netbox-plugins/Dockerfile'])).toBe('netboxcommunity/netbox:v4.1-3.0.2');
  });
});

describe('config values become Python literals that python3 reads back unchanged', () => {
  test('quotes, backslashes, unicode, nesting, null and numbers', () => {
    const config = { text: 'a "quoted" \\ back\nslash ü €', nested: { list: [1, 2.5, -3, 1e21, null, true, false, []], empty: {} }, zero: 0 };
    const source = `PLUGINS = ["x"]\nPLUGINS_CONFIG = {"x": ${pythonLiteral(config, 1)}}\n`;
    expect(runPluginsPy(source).PLUGINS_CONFIG).toEqual({ x: config });
  });
});

function cyclic(): Record<string, unknown> {
  const config: Record<string, unknown> = { name: 'x' };
  config.self = config;
  return config;
}

/** The `${SWARM_...}` names stack.yaml expects from the deploy script. */
function stackNameVariables(stackYaml: string): string[] {
  return [...new Set([...stackYaml.matchAll(/\$\{(SWARM_[A-Z0-9_]+)/g)].map((m) => m[1]))];
}
