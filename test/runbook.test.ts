import { readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import { Testing } from 'projen';
import { parse } from 'yaml';
import { NetboxPomeriumProject } from '../src';
import { SEED, synth } from './util';
import { TASKS } from '../src/model/stack-names';

const SRC = path.join(__dirname, '..', 'src');

describe('the generated runbook (README.md of a deployment)', () => {
  test('follows the declaration: callback URL, client id, Traefik names, secrets, admins', () => {
    const s = synth({ domain: 'ipam.example.net', authenticateHost: 'login.example.net', superusers: ['admin@example.org'], traefikEntrypoint: 'https' });
    const runbook: string = s.files['README.md'];
    expect(runbook).toContain('**`https://login.example.net/oauth2/callback`**');
    expect(runbook).toContain('`11111111-2222-3333-4444-555555555555`');
    expect(runbook).toContain('the entrypoint `https`');
    expect(runbook).toContain("IDP_CLIENT_SECRET='<the client secret value>'");
    expect(runbook).toContain('Superusers: `admin@example.org`.');
    expect(runbook).toContain('`X-Pomerium-Claim-Groups`');
    for (const name of ['POSTGRES_PASSWORD', 'REDIS_PASSWORD', 'REDIS_CACHE_PASSWORD', 'NETBOX_SECRET_KEY']) expect(runbook).toContain(`\`${name}\``);
    expect(runbook).not.toContain('netbox.example.org');
    expect(runbook).not.toContain('stack.yaml');
  });

  test('names the same callback URL Pomerium is configured with', () => {
    const s = synth();
    const callback = `${s.pomerium.authenticate_service_url}/oauth2/callback`;
    expect(s.files['README.md']).toContain(`\`${callback}\``);
  });

  test('gains the Swarm section and files with swarm: true', () => {
    const s = synth({ swarm: true });
    const runbook: string = s.files['README.md'];
    expect(runbook).toMatch(/^## .*Swarm/m);
    expect(runbook).toContain('`stack.yaml`');
    expect(runbook).toContain('`swarm/stack.sh`');
    expect(parse(s.files['stack.yaml']).services.netbox).toBeDefined();
  });

  test('lists the extra NetBox configuration file only where the release needs one', () => {
    expect(synth({ netboxVersion: 'v3.0-1.4.1', superusers: ['admin@example.org'] }).files['README.md']).toContain('`netbox/zz_netbox_pomerium.py`');
    expect(synth().files['README.md']).not.toContain('zz_netbox_pomerium.py');
  });
});

describe('a lean deployment', () => {
  test('no build, test or packaging tasks, no test tsconfig, no sample README', () => {
    const s = synth();
    const tasks = Object.keys(s.files['.projen/tasks.json'].tasks);
    for (const task of ['build', 'compile', 'test', 'package', 'watch']) expect(tasks).not.toContain(task);
    expect(s.files['test/tsconfig.json']).toBeUndefined();
    expect(s.files['README.md']).not.toContain('replace this');
    expect(s.files['projenrc/tsconfig.json']).toBeDefined();
  });
});

test('options a deployment ignores are named in a warning, not silently dropped', () => {
  const project = new NetboxPomeriumProject({ ...SEED, jest: true, github: true });
  const warn = jest.spyOn(project.logger, 'warn');
  const files = Testing.synth(project);
  const messages = warn.mock.calls.map((c) => c.join(' '));
  expect(messages).toContainEqual(expect.stringMatching(/^jest: is ignored by a deployment \(got true\)\. .*remove it\.$/));
  expect(messages).toContainEqual(expect.stringMatching(/^github: is ignored by a deployment/));
  expect(files['.github/workflows/deployment.yml']).toBeDefined();
  expect(Object.keys(files['package.json'].devDependencies)).not.toContain('jest');
});

describe('task names the messages and the runbook use', () => {
  test('every name in TASKS is a task of a deployment (stack-* with swarm), and every `npx projen <task>` in the runbook exists', () => {
    // With plugins too: build, and push for the Swarm repository.
    const s = synth({
      swarm: true,
      netboxVersion: 'v4.5-4.0.0',
      plugins: [{ package: 'netbox-inventory', version: '2.5.1' }],
      swarmOptions: { pluginImageRepository: 'registry.example.org/netbox' },
    });
    const tasks = Object.keys(s.files['.projen/tasks.json'].tasks);
    expect(tasks).toEqual(expect.arrayContaining(Object.values(TASKS)));
    const named = [...new Set([...String(s.files['README.md']).matchAll(/npx projen ([a-z][a-z0-9:-]*)/g)].map((m) => m[1]))];
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((name) => !tasks.includes(name))).toEqual([]);
  });

  test('every `npx projen <task>` written anywhere in src/ (messages, scripts, docs) names a task a deployment has', () => {
    // A deployment with every feature that adds tasks: Swarm, Kubernetes, plugins with both repositories, backups.
    const s = synth({
      swarm: true,
      kubernetes: true,
      netboxVersion: 'v4.5-4.0.0',
      plugins: [{ package: 'netbox-inventory', version: '2.5.1' }],
      swarmOptions: { pluginImageRepository: 'registry.example.org/netbox' },
      kubernetesOptions: { pluginImageRepository: 'registry.example.org/netbox' },
      backups: { schedule: 'daily' },
    });
    const tasks = new Set(Object.keys(s.files['.projen/tasks.json'].tasks));
    const named = new Map<string, string>();
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) {walk(file);} else if (entry.name.endsWith('.ts')) {
          for (const m of readFileSync(file, 'utf-8').matchAll(/npx projen ([a-z][a-z0-9:-]*)/g)) named.set(m[1], path.relative(SRC, file));
        }
      }
    };
    walk(SRC);
    // Prose after the bare synthesis command ("run npx projen first"), not task names.
    for (const word of ['and', 'first', 'to', 'cannot']) named.delete(word);
    expect(named.size).toBeGreaterThan(15);
    expect([...named].filter(([name]) => !tasks.has(name)).map(([name, file]) => `${name} (${file})`)).toEqual([]);
  });
});
