import { spawnSync } from 'child_process';
import { writeFileSync } from 'fs';
import * as path from 'path';
import { writeTree } from './real-validators';
import { refusal, requireTool, SEED, synth } from './util';
import { IdpProvider } from '../src';
import { renderCompose } from '../src/compose/render-compose';
import { renderBreakGlassCompose } from '../src/identity/users-script';
import { NETBOX_RELEASES } from '../src/netbox/netbox-releases';
import { compileDeployment } from '../src/plan/compile';
import { IDP_PRESETS } from '../src/pomerium/idp-provider';

const GROUP = '62f8f72a-3e06-11ec-9bbc-0242ac130002';
const ONLY_GROUPS = 'superuserGroups: the only superusers come from group sync';

describe('breakGlass options', () => {
  test('default to port 18080 and 30 minutes, and reach the script', () => {
    const script: string = synth().files['scripts/netbox-users.sh'];
    expect(script).toContain('BG_PORT=18080\n');
    expect(script).toContain('BG_MINUTES=30\n');
    const custom: string = synth({ breakGlass: { port: 9443, minutes: 15 } }).files['scripts/netbox-users.sh'];
    expect(custom).toContain('BG_PORT=9443\n');
    expect(custom).toContain('BG_MINUTES=15\n');
  });

  test.each([
    [{ port: 0 }, 'breakGlass.port: is not a TCP port (got 0). Use a whole number from 1 to 65535.'],
    [{ minutes: 0 }, 'breakGlass.minutes: is not a whole number of minutes from 1 to 480 (got 0).'],
    [{ minutes: 481 }, 'breakGlass.minutes: is not a whole number of minutes from 1 to 480 (got 481).'],
    [{ minutes: 2.5 }, 'breakGlass.minutes: is not a whole number of minutes from 1 to 480 (got 2.5).'],
  ])('refuses %j', (breakGlass, message) => {
    expect(refusal({ ...SEED, breakGlass })).toContain(message);
  });

  test('refuses an app named like the break-glass service', () => {
    expect(refusal({ ...SEED, apps: [{ name: 'netbox-break-glass', image: 'nginx:1.27', port: 80, host: 'x.example.org' }] }))
      .toContain('apps[0].name: repeats the name of (service netbox-break-glass) (got "netbox-break-glass"). Rename the app; the generated services already use this name.');
  });
});

describe('groups and superusers per IdP', () => {
  test.each(Object.values(IdpProvider))('%s: warning for superuserGroups alone, runbook names how to send only the groups that matter', (provider) => {
    const preset = IDP_PRESETS[provider];
    const decl = { ...SEED, idpProvider: provider, idpProviderUrl: provider === IdpProvider.AZURE ? SEED.idpProviderUrl : 'https://idp.example.org' };
    const onlyGroups = compileDeployment({ ...decl, superuserGroups: [GROUP] }).model;
    const warning = onlyGroups.warnings.find((w) => w.startsWith(ONLY_GROUPS))!;
    expect(warning).toContain(`(got ["${GROUP}"])`);
    expect(warning).toContain('Add at least one admin by e-mail to superusers');
    if (preset.groupsClaimRisk) expect(warning).toContain(preset.groupsClaimRisk);
    // With an admin by e-mail, or without superuser groups, there is nothing to warn about.
    expect(compileDeployment({ ...decl, superuserGroups: [GROUP], superusers: ['admin@example.org'] }).model.warnings.join('\n')).not.toContain(ONLY_GROUPS);
    expect(compileDeployment({ ...decl, superusers: ['admin@example.org'] }).model.warnings.join('\n')).not.toContain(ONLY_GROUPS);

    const runbook: string = synth({ ...decl, superuserGroups: [GROUP] }).files['README.md'];
    const section = runbook.slice(runbook.indexOf('## Groups and superusers'), runbook.indexOf('## Leavers and periodic review'));
    expect(section).toContain(`- Send only the groups that matter (${provider}): ${preset.groupsScope}`);
    expect(section).toContain('its `jwt_groups_filter` is read only from Pomerium Enterprise settings');
    expect(section).toContain(`- **Warning:** ${warning}`);
  });

  test('Entra ID: groups assigned to the application or app roles, with the 200-group overage named, in the runbook and the preset', () => {
    const runbook: string = synth({ superuserGroups: [GROUP] }).files['README.md'];
    expect(runbook).toContain('"Groups assigned to the application" (Group ID), not all groups: see "Groups and superusers" below (200-group limit).');
    expect(runbook).toContain('App roles (the `roles` claim)');
    expect(runbook).toContain('Entra ID leaves the groups claim out entirely for a user in more than 200 groups');
    expect(runbook).not.toContain('add a groups claim (Group ID).');
  });

  test('providers without a groups claim tell the user to name superusers by e-mail', () => {
    for (const provider of [IdpProvider.GOOGLE, IdpProvider.GITHUB, IdpProvider.APPLE]) {
      expect(IDP_PRESETS[provider].groupsScope).toMatch(/sends no groups claim: keep group sync for nothing but superusers by e-mail/);
    }
  });
});

describe('the users script', () => {
  test.each(NETBOX_RELEASES.map((r) => r.tag))('%s: bash accepts it; its Python compiles; break glass publishes on 127.0.0.1 only (docker compose config)', (netboxVersion) => {
    const s = synth({ netboxVersion, superusers: ['admin@example.org'] });
    const script: string = s.files['scripts/netbox-users.sh'];
    const dir = writeTree({ ...s.files, '.env': s.dotenv, 'break-glass/compose.break-glass.yaml': '' });
    const syntax = spawnSync('bash', ['-n', path.join(dir, 'scripts/netbox-users.sh')], { encoding: 'utf-8' });
    expect({ status: syntax.status, stderr: syntax.stderr }).toEqual({ status: 0, stderr: '' });
    expect(script).toContain("DECLARED_SUPERUSERS=' admin@example.org '\n");

    const programs = [...script.matchAll(/<<'PY'\n([\s\S]*?)\nPY\n/g)].map((m) => m[1]);
    expect(programs).toHaveLength(4);
    // Parsed with Python 3.8's grammar, the oldest the programs promise (netbox-python.ts).
    const python = requireTool('python3');
    programs.forEach((program, i) => {
      const file = path.join(dir, `program${i}.py`);
      writeFileSync(file, `NAME = 'break-glass-20260101000000'\nPASSWORD = '00'\n${program}\n`);
      const compiled = spawnSync(python, ['-c', 'import ast, sys; ast.parse(open(sys.argv[1]).read(), feature_version=(3, 8))', file], { encoding: 'utf-8' });
      expect({ program: i, status: compiled.status, stderr: compiled.stderr }).toEqual({ program: i, status: 0, stderr: '' });
    });

    const yaml = /<<'YAML'\n([\s\S]*?)\nYAML\n/.exec(script)![1];
    writeFileSync(path.join(dir, 'break-glass/compose.break-glass.yaml'), yaml);
    const r = spawnSync('docker', ['compose', '-p', 'netbox', '-f', 'compose.yaml', '-f', 'break-glass/compose.break-glass.yaml', 'config', '--format', 'json'],
      { cwd: dir, encoding: 'utf-8', env: { ...process.env, NBP_BREAK_GLASS_PORT: '18080', IDP_CLIENT_SECRET: 'x' } });
    expect(r.stderr).toBe('');
    const merged = JSON.parse(r.stdout);
    const published = Object.entries<any>(merged.services).filter(([, svc]) => svc.ports).map(([name, svc]) => [name, svc.ports]);
    expect(published).toEqual([['netbox-break-glass', [{ mode: 'ingress', host_ip: '127.0.0.1', target: 8080, published: '18080', protocol: 'tcp' }]]]);
    const bg = merged.services['netbox-break-glass'];
    expect(Object.keys(bg.networks).sort()).toEqual(['break-glass', 'netbox']);
    expect(bg.environment).toMatchObject({ REMOTE_AUTH_ENABLED: 'False', ALLOWED_HOSTS: 'localhost 127.0.0.1' });
    expect(bg.restart).toBe('no');
    expect(merged.networks['break-glass']).toMatchObject({
      name: 'netbox-break-glass', driver: 'bridge', driver_opts: { 'com.docker.network.bridge.host_binding_ipv4': '127.0.0.1' },
    });
    // The stack's own NetBox is what compose.yaml alone says it is.
    expect(merged.services.netbox.ports).toBeUndefined();
    expect(Object.keys(merged.services.netbox.networks).sort()).toEqual([...s.compose.services.netbox.networks].sort());
    expect(Object.keys(bg.networks)).not.toContain('netbox-egress');
  });

  test('the break-glass service is the netbox service less its ports, labels and start order', () => {
    const model = compileDeployment({
      ...SEED,
      dangerouslyAllowNetboxBypassingPomerium: true,
      composeOverrides: { 'services.netbox.ports': ['8080:8080'], 'services.netbox.labels': { 'traefik.enable': 'true' } },
    }).model;
    const bg = renderBreakGlassCompose(model, renderCompose(model)).services['netbox-break-glass'];
    expect(bg.ports).toHaveLength(1);
    expect(bg.ports[0].host_ip).toBe('127.0.0.1');
    expect(bg.labels).toBeUndefined();
    expect(bg.depends_on).toBeUndefined();
  });

  test('swarm adds stack-users and stack-offboard, which run the script with --swarm', () => {
    const tasks = synth({ swarm: true }).files['.projen/tasks.json'].tasks;
    expect(tasks['stack-users'].steps[0].execArgs).toEqual(['bash', 'scripts/netbox-users.sh', '--swarm', 'users']);
    expect(tasks['stack-offboard'].steps[0]).toEqual({ execArgs: ['bash', 'scripts/netbox-users.sh', '--swarm', 'offboard'], receiveArgs: true });
    expect(synth().files['.projen/tasks.json'].tasks['stack-users']).toBeUndefined();
  });
});
