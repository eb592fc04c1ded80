import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { ADOPTED_PLUGINS, netboxDockerFiles, netboxDockerPluginFiles, PLUGIN_RELEASE, writeOldDeployment } from './adopt-fixtures';
import { treeHash } from './util';
import { adopt } from '../src/adopt/adopt-command';
import { deriveAdoption } from '../src/adopt/derive-adoption';
import { readOldDeployment } from '../src/adopt/old-compose';
import { buildSpec, dockerfileFroms, dockerfileInstructions, parseRequirements, pipInstalls, readImageBuild } from '../src/adopt/old-image';
import { readPluginsList, samePlugins, writePlugins } from '../src/adopt/projenrc-edit';

const read = (files: Record<string, string>, dirName = 'netbox-docker') => readOldDeployment({
  composeText: files['docker-compose.yml'], dirName, read: (rel) => files[path.posix.normalize(rel)],
});
const deployment = (files: Record<string, string>) => {
  const r = read(files);
  if ('refusal' in r) throw new Error(r.refusal);
  return r.deployment;
};
const refusalOf = (files: Record<string, string>) => {
  const r = read(files);
  return 'refusal' in r ? r.refusal : undefined;
};
const withDockerfile = (dockerfile: string, extra: Record<string, string> = {}) => ({ ...netboxDockerPluginFiles(), 'Dockerfile-Plugins': dockerfile, ...extra });

describe('Dockerfiles adopt reads', () => {
  test('FROM: continuations and comments, --platform, AS, ARGs before the first FROM and build args', () => {
    const text = '# syntax=docker/dockerfile:1\nARG NB=v4.1-3.0.2\nFROM --platform=linux/amd64 \\\n  netboxcommunity/netbox:${NB} AS base\nFROM base\n';
    expect(dockerfileFroms(dockerfileInstructions(text))).toEqual(['netboxcommunity/netbox:v4.1-3.0.2', 'base']);
    expect(dockerfileFroms(dockerfileInstructions(text), { NB: 'v4.5-4.0.0' })[0]).toBe('netboxcommunity/netbox:v4.5-4.0.0');
    expect(dockerfileFroms(dockerfileInstructions('ARG T\nFROM ghcr.io/netbox-community/netbox:${T:-v4.4-3.4.1}\n'))).toEqual(['ghcr.io/netbox-community/netbox:v4.4-3.4.1']);
  });

  test('pip installs: venv pip, uv pip, python -m pip; -r forms; option values are no packages', () => {
    expect(pipInstalls('/opt/netbox/venv/bin/pip install --no-warn-script-location -r /opt/netbox/plugin_requirements.txt'))
      .toEqual({ requirementFiles: ['/opt/netbox/plugin_requirements.txt'], packages: [] });
    expect(pipInstalls('/usr/local/bin/uv pip install --python /opt/netbox/venv/bin/python --requirement=/r.txt && echo done'))
      .toEqual({ requirementFiles: ['/r.txt'], packages: [] });
    expect(pipInstalls('python3 -m pip install -r/a.txt "netbox-bgp==0.18.0" -i https://pypi.example.org/simple'))
      .toEqual({ requirementFiles: ['/a.txt'], packages: ['netbox-bgp==0.18.0'] });
    expect(pipInstalls('["/bin/sh", "-c", "pip install -r /x.txt"]')).toEqual({ requirementFiles: ['/x.txt'], packages: [] });
    expect(pipInstalls('apt-get install -y git')).toEqual({ requirementFiles: [], packages: [] });
  });

  test('compose build: a string context, dockerfile defaults to Dockerfile, args as list or map', () => {
    const sub = (v: unknown) => v;
    expect(buildSpec('./nb', sub)).toEqual({ context: './nb', dockerfile: 'Dockerfile', args: {} });
    expect(buildSpec({ dockerfile: 'Dockerfile-Plugins', args: ['A=1'] }, sub)).toEqual({ context: '.', dockerfile: 'Dockerfile-Plugins', args: { A: '1' }, inline: undefined });
    expect(buildSpec(undefined, sub)).toBeUndefined();
  });

  test('the requirements file is found through the COPY that put it where -r reads it, relative to the context', () => {
    const files: Record<string, string> = {
      'build/Dockerfile': 'FROM netboxcommunity/netbox:v4.5-4.0.0\nWORKDIR /opt/netbox\nCOPY reqs/plugins.txt ./extra/\nRUN pip install -r /opt/netbox/extra/plugins.txt\n',
      'build/reqs/plugins.txt': 'netbox-inventory==2.5.1\n',
    };
    const r = readImageBuild({ context: 'build', dockerfile: 'Dockerfile', args: {} }, (rel) => files[rel]);
    expect(r).toEqual({
      dockerfile: 'build/Dockerfile',
      from: 'netboxcommunity/netbox:v4.5-4.0.0',
      requirementsFiles: ['build/reqs/plugins.txt'],
      plugins: [{ package: 'netbox-inventory', version: '2.5.1' }],
      otherRuns: [],
    });
  });
});

describe('requirement lines', () => {
  test('exact pins with blanks and comments are plugins, in order', () => {
    expect(parseRequirements('# plugins\n\nnetbox-bgp == 0.18.0  # routing\nNetBox_Inventory==2.5.1\nx==1.0rc1\n', 'r.txt')).toEqual([
      { package: 'netbox-bgp', version: '0.18.0' }, { package: 'NetBox_Inventory', version: '2.5.1' }, { package: 'x', version: '1.0rc1' },
    ]);
  });

  test.each([
    ['netbox-bgp', /r\.txt line 1 \("netbox-bgp"\) is not pinned to one release: pin it as name==version/],
    ['netbox-bgp>=0.17', /line 1 \("netbox-bgp>=0.17"\) is not pinned/],
    ['netbox-bgp~=0.18.0', /is not pinned/],
    ['netbox-bgp==0.18.*', /is not pinned/],
    ['netbox-bgp[extra]==0.18.0', /has extras, an environment marker or a URL/],
    ['netbox-bgp==0.18.0; python_version>"3.10"', /has extras, an environment marker or a URL/],
    ['git+https://github.com/x/y.git', /has extras, an environment marker or a URL/],
    ['-r other.txt', /is a pip option/],
    ['-e ./local', /is a pip option/],
  ])('refused: %s', (line, message) => {
    expect(parseRequirements(`${line}\n`, 'r.txt')).toMatch(message);
  });
});

describe('reading a netbox-docker deployment with plugins', () => {
  const old = deployment(netboxDockerPluginFiles());

  test('the built image makes netbox a NetBox service; worker and housekeeping run the same image', () => {
    expect(old.netbox.name).toBe('netbox');
    expect(old.netbox.image).toBe(`docker.io/netboxcommunity/netbox:${PLUGIN_RELEASE}`);
    expect(old.netboxHelpers.map((s) => s.name)).toEqual(['netbox-worker', 'netbox-housekeeping']);
    expect(old.build).toMatchObject({
      service: 'netbox',
      localImage: 'netbox:latest-plugins',
      dockerfile: 'Dockerfile-Plugins',
      requirementsFiles: ['plugin_requirements.txt'],
      plugins: ADOPTED_PLUGINS,
      pluginsPy: 'configuration/plugins.py',
    });
    expect(old.volumes.media).toBe('netbox-docker_netbox-media-files');
  });

  test('derivation: the release of the FROM tag, the plugins, and what adopt cannot port', () => {
    const r = deriveAdoption(old, { composeFile: 'x' });
    if (!('derived' in r)) throw new Error(r.refusal);
    expect(r.derived.netboxVersion).toBe(PLUGIN_RELEASE);
    expect(r.derived.adoption.netboxImage).toBe(`docker.io/netboxcommunity/netbox:${PLUGIN_RELEASE}`);
    expect(r.derived.plugins).toEqual(ADOPTED_PLUGINS);
    expect(r.derived.found.join('\n')).toContain('plugins (plugin_requirements.txt): netbox-inventory==2.5.1, netbox-topology-views==4.5.1');
    expect(r.derived.todo.join('\n')).toMatch(/configuration\/plugins\.py is Python, which adopt does not port: move each plugin's PLUGINS_CONFIG/);
    // The wiki's collectstatic RUN is what the new image does itself.
    expect(r.derived.todo.join('\n')).not.toContain('also runs');
  });

  test('the stock image: no plugins at all (undefined, not empty)', () => {
    const r = deriveAdoption(deployment(netboxDockerFiles()), { composeFile: 'x' });
    expect('derived' in r && r.derived.plugins).toBeUndefined();
  });

  test('a build string context, a built image without image: (named <project>-<service>), no requirements file', () => {
    const compose = 'services:\n  netbox:\n    build: ./nb\n    environment:\n      DB_HOST: db\n  db:\n    image: postgres:16\n    volumes:\n      - pg:/var/lib/postgresql/data\n'
      + '  worker:\n    image: old-netbox\n    command: rqworker\nvolumes:\n  pg: {}\n';
    const r = read({ 'docker-compose.yml': compose, 'nb/Dockerfile': 'FROM netboxcommunity/netbox:v4.4-3.4.1\nRUN echo hi\n' }, 'old');
    if ('refusal' in r) throw new Error(r.refusal);
    expect(r.deployment.build).toMatchObject({ localImage: 'old-netbox', plugins: [], requirementsFiles: [], otherRuns: ['echo hi'] });
    expect(r.deployment.netboxHelpers.map((s) => s.name)).toEqual(['worker']);
    const d = deriveAdoption(r.deployment, { composeFile: 'x' });
    expect('derived' in d && d.derived.found.join('\n')).toContain('plugins: none (nb/Dockerfile installs no pinned packages)');
    expect('derived' in d && d.derived.todo.join('\n')).toContain('nb/Dockerfile also runs `echo hi`, which adopt does not port');
  });

  test('a build of another image next to the stock NetBox image is left alone', () => {
    const files = { ...netboxDockerFiles(), 'docker-compose.yml': netboxDockerFiles()['docker-compose.yml'].replace('  postgres:\n', '  tools:\n    build: ./tools\n  postgres:\n') };
    const old2 = deployment(files);
    expect(old2.build).toBeUndefined();
    expect(old2.netbox.image).toBe('docker.io/netboxcommunity/netbox:v4.1-3.0.2');
  });
});

describe('refusals of a built NetBox image', () => {
  test.each<[string, Record<string, string>, RegExp]>([
    ['an unreadable Dockerfile', (() => {
      const f = netboxDockerPluginFiles();
      delete f['Dockerfile-Plugins'];
      return f;
    })(), /no service runs the netboxcommunity\/netbox image, and service netbox builds an image, but its Dockerfile Dockerfile-Plugins cannot be read\. .*needs one FROM of netboxcommunity\/netbox:<tag>/],
    ['an unreadable requirements file', (() => {
      const f = netboxDockerPluginFiles();
      delete f['plugin_requirements.txt'];
      return f;
    })(), /the requirements file plugin_requirements\.txt that Dockerfile-Plugins installs cannot be read/],
    ['a Dockerfile without a NetBox FROM', withDockerfile('FROM python:3.12\n'),
      /service netbox builds an image, but its Dockerfile Dockerfile-Plugins has no FROM of the netboxcommunity\/netbox image/],
    ['two NetBox FROMs', withDockerfile('FROM netboxcommunity/netbox:v4.4-3.4.1 AS a\nFROM netboxcommunity/netbox:v4.5-4.0.0\n'), /has 2 FROMs of the NetBox image/],
    ['an unpinned requirement', netboxDockerPluginFiles('netbox-inventory==2.5.1\nnetbox-topology-views'),
      /plugin_requirements\.txt line 3 \("netbox-topology-views"\) is not pinned to one release/],
    ['a requirements file that is not copied', withDockerfile('FROM netboxcommunity/netbox:v4.5-4.0.0\nRUN pip install -r /opt/netbox/other.txt\n'),
      /installs \/opt\/netbox\/other\.txt, which it does not COPY from the build context/],
    ['an unpinned inline install', withDockerfile('FROM netboxcommunity/netbox:v4.5-4.0.0\nRUN /opt/netbox/venv/bin/pip install netbox-bgp\n'),
      /the RUN pip install of Dockerfile-Plugins line 1 \("netbox-bgp"\) is not pinned/],
  ])('%s', (_name, files, message) => {
    expect(refusalOf(files)).toMatch(message);
  });
});

describe('.projenrc.ts plugins', () => {
  const RC = 'import { NetboxPomeriumProject } from "projen-netbox-pomerium";\nconst project = new NetboxPomeriumProject({\n  name: "netbox",\n  adoption: {\n    projectName: "x",\n  },\n  domain: "d.example.org",\n});\nproject.synth();\n';

  test('written after the adoption block, one entry per line, read back; written again it replaces the list', () => {
    const rc = writePlugins(RC, ADOPTED_PLUGINS)!;
    expect(rc).toContain('  },\n  plugins: [\n    { package: "netbox-inventory", version: "2.5.1" },\n    { package: "netbox-topology-views", version: "4.5.1" },\n  ],\n  domain:');
    expect(readPluginsList(rc)).toEqual({ plugins: ADOPTED_PLUGINS });
    const again = writePlugins(rc, ADOPTED_PLUGINS.slice(1))!;
    expect(again.match(/plugins: \[/g)).toHaveLength(1);
    expect(writePlugins(rc, [])).toBe(RC);
  });

  test('a hand-written list with single quotes and config reads back; an unreadable one is an error', () => {
    const rc = RC.replace('  domain:', "  plugins: [\n    { package: 'netbox-inventory', version: '2.5.1', config: { top_level_menu: true } },\n    {\n      package: 'netbox-topology-views',\n      version: '4.5.1',\n    },\n  ],\n  domain:");
    expect(readPluginsList(rc)).toEqual({ plugins: ADOPTED_PLUGINS });
    expect(readPluginsList(RC.replace('  domain:', '  plugins: myPlugins,\n  domain:'))).toHaveProperty('error');
    expect(samePlugins([{ package: 'NetBox_Inventory', version: '2.5.1' }], [ADOPTED_PLUGINS[0]])).toBe(true);
    expect(samePlugins(ADOPTED_PLUGINS, ADOPTED_PLUGINS.slice().reverse())).toBe(false);
  });
});

describe('npx projen adopt with a built image (in process)', () => {
  const RC = 'import { NetboxPomeriumProject } from "projen-netbox-pomerium";\nconst project = new NetboxPomeriumProject({\n  name: "netbox",\n  domain: "d.example.org",\n});\nproject.synth();\n';
  const deploymentDir = (rc = RC) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nbp-adopt-plugins-'));
    writeFileSync(path.join(dir, '.projenrc.ts'), rc);
    return dir;
  };
  const run = (dir: string, files: Record<string, string>) => adopt({ dir, composeFile: path.join(writeOldDeployment('netbox-docker', files), 'docker-compose.yml') });
  const rcOf = (dir: string) => readFileSync(path.join(dir, '.projenrc.ts'), 'utf-8');

  test('writes the adoption, the release and the plugins; says what it found and what to port by hand; again it changes nothing', () => {
    const dir = deploymentDir();
    const files = netboxDockerPluginFiles();
    const r = run(dir, files);
    expect(r.exitCode).toBe(0);
    expect(r.message).toContain('plugins: 2 entries');
    expect(r.message).toMatch(/Still to do:[^]*configuration\/plugins\.py is Python/);
    const rc = rcOf(dir);
    expect(rc).toContain(`netboxVersion: "${PLUGIN_RELEASE}"`);
    expect(readPluginsList(rc)).toEqual({ plugins: ADOPTED_PLUGINS });
    const again = run(dir, files);
    expect(again).toEqual({ exitCode: 0, message: expect.stringContaining('nothing was changed') });
    expect(rcOf(dir)).toBe(rc);
  });

  test('an unknown plugin is taken with the synthesis\' warning in the report', () => {
    const r = run(deploymentDir(), netboxDockerPluginFiles('netbox-acme==1.2.3'));
    expect(r.exitCode).toBe(0);
    expect(r.message).toMatch(/plugins\[0\]: the compatibility of netbox-acme 1\.2\.3 with NetBox 4\.5 .* was not checked/);
  });

  test.each<[string, string, Record<string, string>, RegExp]>([
    ['a pin outside the table\'s range for the release', RC, netboxDockerPluginFiles('netbox-inventory==2.4.1'),
      /refused by the synthesis:\n {2}- plugins\[0\]\.version: netbox-inventory 2\.4\.1 supports NetBox 4\.4\.0 to 4\.4\.x.*Use 2\.5\.1/],
    ['an unpinned requirement', RC, netboxDockerPluginFiles('netbox-inventory'), /plugin_requirements\.txt line 2 \("netbox-inventory"\) is not pinned/],
    ['other plugins already declared', RC.replace('  domain:', '  plugins: [{ package: "netbox-bgp", version: "0.18.0" }],\n  domain:'), netboxDockerPluginFiles(),
      /already declares other plugins \(netbox-bgp==0\.18\.0\) than the old image installs \(netbox-inventory==2\.5\.1, netbox-topology-views==4\.5\.1\)/],
  ])('refused, nothing written: %s', (_name, rc, files, message) => {
    const dir = deploymentDir(rc);
    const before = treeHash(dir);
    const r = run(dir, files);
    expect(r.exitCode).toBe(1);
    expect(r.message).toMatch(/^adopt: refused, nothing was changed: /);
    expect(r.message).toMatch(message);
    // Nothing at all: not .projenrc.ts, not .env, no backup of .env.
    expect(treeHash(dir)).toBe(before);
    expect(rcOf(dir)).toBe(rc);
  });

  test.each([
    ['the stock image', { ...netboxDockerFiles(), '.env': 'VERSION=latest\n' }],
    ['a Dockerfile FROM netboxcommunity/netbox:latest (the wiki\'s)', withDockerfile(netboxDockerPluginFiles()['Dockerfile-Plugins'].replace(PLUGIN_RELEASE, 'latest'))],
  ])('%s at latest: refused without --netbox-version, adopted with it at that minor', (_name, files) => {
    const dir = deploymentDir();
    const composeFile = path.join(writeOldDeployment('netbox-docker', files), 'docker-compose.yml');
    expect(adopt({ dir, composeFile }).message).toMatch(/netbox:latest does not say which NetBox version .* pass --netbox-version X\.Y/);
    const r = adopt({ dir, composeFile, netboxVersion: '4.5' });
    expect(r.message).toContain('(docker.io/netboxcommunity/netbox:latest, recorded as docker.io/netboxcommunity/netbox:v4.5) -> netboxVersion v4.5-4.0.0');
    expect(rcOf(dir)).toContain('netboxImage: "docker.io/netboxcommunity/netbox:v4.5",');
  });

  test('the same plugins already declared (with config) are kept as written', () => {
    const declared = RC.replace('  domain:', "  plugins: [\n    { package: 'netbox-inventory', version: '2.5.1', config: { top_level_menu: true } },\n"
      + "    { package: 'netbox-topology-views', version: '4.5.1' },\n  ],\n  domain:");
    const dir = deploymentDir(declared);
    expect(run(dir, netboxDockerPluginFiles()).exitCode).toBe(0);
    expect(rcOf(dir)).toContain('config: { top_level_menu: true }');
    expect(rcOf(dir).match(/plugins: \[/g)).toHaveLength(1);
  });
});
