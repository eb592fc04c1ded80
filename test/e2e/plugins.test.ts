import { spawnSync } from 'child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { cleanEnv, e2eContext, editProjenrc, exists, projen, projenNew, SEED_FLAGS, treeHash } from './context';
import { BRANCHING_IMAGE_MODULES, CONFIGURATION_MODULE, dockerfileBase, dockerfileInstructions, runPluginsPy } from '../plugin-checks';
import { dockerComposeV2, dockerComposeV2Resolved } from '../real-validators';

/**
 * A `projen new` deployment (the seed's flags, the default NetBox release) gets two plugins from
 * the table, then loses them again. The files are read by real tools: a Dockerfile parser,
 * python3 for plugins.py, Compose v2 for compose.yaml.
 */

const PLUGINS_DECLARATION = [
  'plugins: [',
  '    { package: "netbox-topology-views", version: "5.0.0", config: { allow_coordinates_saving: true, static_image_directory: "netbox_topology_views/img" } },',
  '    { package: "netboxlabs-netbox-branching", version: "1.2.0", config: { max_working_branches: 5 } },',
  '  ],',
].join('\n');
const ANCHOR = 'domain: "netbox.example.org",';
const PLUGIN_FILES = ['netbox-plugins/Dockerfile', 'netbox-plugins/plugin_requirements.txt', 'netbox-plugins/plugins.py'];

describe('end to end: plugins added to a projen new deployment, then removed', () => {
  let dir: string;
  let read: (file: string) => string;
  let stockImage: string;
  let before: string;

  beforeAll(() => {
    // The folder names the project (and so the compose project and the image).
    dir = path.join(mkdtempSync(path.join(tmpdir(), 'nbp-plugins-e2e-')), 'netbox');
    mkdirSync(dir);
    projenNew(dir, e2eContext().tarball, SEED_FLAGS);
    read = (file: string) => readFileSync(path.join(dir, file), 'utf-8');
    // The one secret projen cannot create, so Compose accepts the stack.
    writeFileSync(path.join(dir, '.env'), `${read('.env')}\nIDP_CLIENT_SECRET='client-secret-value'\n`);
    stockImage = parse(read('compose.yaml')).services.netbox.image;
    before = treeHash(dir, ['node_modules', '.git', '.projenrc.ts']);
    editProjenrc(dir, ANCHOR, `${ANCHOR}\n  ${PLUGINS_DECLARATION}`);
    const r = projen(dir);
    expect(r.stderr).not.toContain('Synthesis failed');
    expect(r.status).toBe(0);
  });

  test('the Dockerfile, parsed by dockerfile-ast, starts from the netbox-docker image compose.yaml ran for netboxVersion', () => {
    expect(stockImage).toMatch(/^netboxcommunity\/netbox:v\d+\.\d+-\d+\.\d+\.\d+$/);
    const dockerfile = read('netbox-plugins/Dockerfile');
    expect(dockerfileBase(dockerfile)).toBe(stockImage);
    const runs = dockerfileInstructions(dockerfile).filter((i) => i.keyword === 'RUN').map((i) => i.args);
    expect(runs[0]).toMatch(/^\/usr\/local\/bin\/uv pip install .* -r \/opt\/netbox\/plugin_requirements\.txt$/);
    expect(runs).toContain('mkdir -p /opt/netbox/netbox/static/netbox_topology_views/img');
    expect(runs[runs.length - 1]).toMatch(/manage\.py collectstatic --no-input$/);
    expect(read('netbox-plugins/plugin_requirements.txt').split('\n').filter((l) => l && !l.startsWith('#')))
      .toEqual(['netbox-topology-views==5.0.0', 'netboxlabs-netbox-branching==1.2.0']);
  });

  test('plugins.py, run by python3, yields exactly the declared PLUGINS and PLUGINS_CONFIG (and branching\'s database settings)', () => {
    const result = runPluginsPy(read('netbox-plugins/plugins.py'), {}, BRANCHING_IMAGE_MODULES, [], [CONFIGURATION_MODULE]);
    expect(result.PLUGINS).toEqual(['netbox_topology_views', 'netbox_branching']);
    expect(result.PLUGINS_CONFIG).toEqual({
      netbox_topology_views: { allow_coordinates_saving: true, static_image_directory: 'netbox_topology_views/img' },
      netbox_branching: { max_working_branches: 5 },
    });
    expect(result.other.DATABASES_TYPE).toBe('DynamicSchemaDict');
    expect(result.other.DATABASE_ROUTERS).toBe("['netbox_branching.database.BranchAwareRouter']");
  });

  test('docker compose config: web service and worker run the same built image, which the web service builds', () => {
    expect(dockerComposeV2(dir)).toEqual({ status: 0, output: '' });
    const resolved = dockerComposeV2Resolved(dir);
    const image = resolved.services.netbox.image;
    expect(image).toBe(`netbox-netbox:${stockImage.split(':')[1]}-plugins-${image.split('-plugins-')[1]}`);
    expect(image.split('-plugins-')[1]).toMatch(/^[0-9a-f]{12}$/);
    expect(resolved.services['netbox-worker'].image).toBe(image);
    expect(resolved.services.netbox.build.context).toBe(path.join(dir, 'netbox-plugins'));
    for (const service of ['netbox', 'netbox-worker']) {
      expect(resolved.services[service].pull_policy).toBe('never');
      expect(resolved.services[service].volumes).toContainEqual(expect.objectContaining({
        type: 'bind', source: path.join(dir, 'netbox-plugins/plugins.py'), target: '/etc/netbox/config/plugins.py', read_only: true,
      }));
    }
  });

  test('npx projen build runs docker build on the build context, tagging the image compose.yaml runs', () => {
    const bin = mkdtempSync(path.join(tmpdir(), 'nbp-fake-docker-'));
    writeFileSync(path.join(bin, 'docker'), `#!/bin/sh\necho "$@" >> "${bin}/calls"\n`);
    chmodSync(path.join(bin, 'docker'), 0o755);
    const run = spawnSync('npx', ['projen', 'build'], { cwd: dir, encoding: 'utf-8', env: { ...cleanEnv(), PATH: `${bin}:${process.env.PATH}` } });
    expect(run.status).toBe(0);
    const image = parse(read('compose.yaml')).services.netbox.image;
    expect(readFileSync(path.join(bin, 'calls'), 'utf-8')).toBe(`build -t ${image} netbox-plugins\n`);
  });

  test('removing the plugins removes every file they produced and returns both services to the stock image', () => {
    editProjenrc(dir, `${ANCHOR}\n  ${PLUGINS_DECLARATION}`, ANCHOR);
    const r = projen(dir);
    expect(r.status).toBe(0);
    for (const file of PLUGIN_FILES) expect({ file, exists: exists(dir, file) }).toEqual({ file, exists: false });
    const compose = parse(read('compose.yaml'));
    for (const service of ['netbox', 'netbox-worker']) {
      expect(compose.services[service].image).toBe(stockImage);
      expect(compose.services[service].pull_policy).toBeUndefined();
      expect(compose.services[service].build).toBeUndefined();
    }
    expect(read('.projen/tasks.json')).not.toContain('"build"');
    // Every file is as it was before the plugins came (the directory itself is left empty, and git does not track it).
    expect(treeHash(dir, ['node_modules', '.git', '.projenrc.ts', 'netbox-plugins'])).toBe(before);
  });
});
