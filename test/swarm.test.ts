import { spawnSync } from 'child_process';
import { readdirSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { Testing } from 'projen';
import { parse } from 'yaml';
import { DOCKER, fakeSwarmDocker as fakeDocker } from './fake-swarm-docker';
import { dockerStackConfig, writeTree } from './real-validators';
import { SEED, synth, Synthesized } from './util';
import { SwarmTraefikVersion, NetboxPomeriumProject } from '../src';
import { renderCompose } from '../src/compose/render-compose';
import { DeclarationProblems } from '../src/model/problems';
import { FILES, SERVICES } from '../src/model/stack-names';
import { NETBOX_RELEASES } from '../src/netbox/netbox-releases';
import { compileDeployment } from '../src/plan/compile';
import { renderStack, stackConfigs } from '../src/swarm/render-stack';
import { swarmRunbookSection } from '../src/swarm/swarm-runbook';

const DATA_SERVICES = [SERVICES.postgres, SERVICES.redis, SERVICES.redisCache];
const CONSTRAINT = 'node.labels.netbox.data == true';

function swarm(overrides: object = {}): Synthesized & { stack: any; tasks: any } {
  const s = synth({ swarm: true, ...overrides });
  return { ...s, stack: parse(s.files[FILES.stack]), tasks: s.files['.projen/tasks.json'].tasks };
}

/** The versioned names the deploy task would pass: `SWARM_*` variable → a made-up name. */
function versionEnv(stack: any): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, entry] of [...Object.entries<any>(stack.secrets ?? {}), ...Object.entries<any>(stack.configs ?? {})]) {
    const variable = /^\$\{(SWARM_[A-Z0-9_]+):\?/.exec(entry.name)![1];
    env[variable] = `netbox_${key}_0123456789ab`;
  }
  return env;
}

/** A deployment directory as a user has it: generated files plus a complete `.env`. */
function deploymentDir(s: Synthesized, clientSecret = 'client-secret-value'): string {
  return writeTree({ ...s.files, '.env': `${s.dotenv}\nIDP_CLIENT_SECRET='${clientSecret}'\n` });
}

/** The `NAME='value'` lines of a deployment's `.env`. */
function readDotenv(dir: string): Record<string, string> {
  return Object.fromEntries(readFileSync(path.join(dir, '.env'), 'utf-8').split('\n')
    .map((l) => /^([A-Z_0-9]+)='(.*)'$/.exec(l)).filter((m): m is RegExpExecArray => !!m).map((m) => [m[1], m[2]]));
}

describe('the seed deployment with swarm: true', () => {
  const s = swarm();
  const { stack, compose } = s;
  const pomerium = stack.services.pomerium;

  test('stack.yaml has the same services as compose.yaml; what stack deploy rejects or ignores is gone', () => {
    expect(Object.keys(stack.services).sort()).toEqual(Object.keys(compose.services).sort());
    expect(stack.name).toBeUndefined();
    expect(stack.version).toBeUndefined();
    for (const [name, svc] of Object.entries<any>(stack.services)) {
      expect({ name, container_name: svc.container_name, restart: svc.restart, depends_on: svc.depends_on })
        .toEqual({ name, container_name: undefined, restart: undefined, depends_on: undefined });
      expect({ name, restart_policy: svc.deploy.restart_policy }).toEqual({ name, restart_policy: { condition: 'any' } });
      expect(svc.image).toBe(compose.services[name].image);
      for (const envFile of svc.env_file ?? []) expect(typeof envFile).toBe('string');
    }
    expect(stack.services.netbox.env_file).toEqual(['env/netbox.env']);
    expect(stack.services.postgres.env_file).toEqual(['env/postgres.env']);
    // compose.yaml itself keeps its long-form depends_on and restart.
    expect(compose.services['netbox-worker'].depends_on).toEqual({ netbox: { condition: 'service_healthy' } });
    expect(compose.services.netbox.restart).toBe('unless-stopped');
  });

  test('Traefik labels sit under deploy.labels with the Swarm provider\'s network label and the load-balancer port', () => {
    const labels = pomerium.deploy.labels;
    expect(pomerium.labels).toBeUndefined();
    expect(labels['traefik.enable']).toBe('true');
    expect(labels['traefik.swarm.network']).toBe('traefik-proxy');
    expect(labels['traefik.docker.network']).toBeUndefined();
    expect(labels['traefik.http.services.netbox.loadbalancer.server.port']).toBe('8080');
    expect(labels['traefik.http.routers.netbox.rule']).toBe('Host(`netbox.example.org`) || Host(`authenticate.netbox.example.org`)');
    expect(labels['traefik.http.routers.netbox.entrypoints']).toBe('websecure');
    expect(labels['traefik.http.routers.netbox.tls.certresolver']).toBe('le');
    // Every other label is compose.yaml's, unchanged.
    const { ['traefik.docker.network']: network, ...composeRest } = compose.services.pomerium.labels;
    const { ['traefik.swarm.network']: swarmNetwork, ...swarmRest } = labels;
    expect(swarmNetwork).toBe(network);
    expect(swarmRest).toEqual(composeRest);
    for (const name of Object.keys(stack.services).filter((n) => n !== SERVICES.pomerium)) {
      expect({ name, labels: stack.services[name].labels, deployLabels: stack.services[name].deploy.labels })
        .toEqual({ name, labels: undefined, deployLabels: undefined });
    }
  });

  test('overlay networks: NetBox\'s internal, its egress network, the Traefik network external', () => {
    expect(stack.networks).toEqual({
      'netbox': { driver: 'overlay', internal: true },
      'netbox-egress': { driver: 'overlay', internal: false },
      'traefik-proxy': { external: true, name: 'traefik-proxy' },
    });
    expect(pomerium.networks).toEqual(['traefik-proxy', 'netbox']);
    for (const name of ['netbox', 'netbox-worker']) expect(stack.services[name].networks).toEqual(['netbox', 'netbox-egress']);
    for (const name of DATA_SERVICES) expect(stack.services[name].networks).toEqual(['netbox']);
  });

  test('data services and the services with node-local volumes are pinned to the data node; Pomerium is not', () => {
    for (const name of [...DATA_SERVICES, SERVICES.netbox, SERVICES.worker]) {
      expect({ name, placement: stack.services[name].deploy.placement }).toEqual({ name, placement: { constraints: [CONSTRAINT] } });
    }
    expect(pomerium.deploy.placement).toBeUndefined();
    expect(stack.volumes).toEqual(compose.volumes);
  });

  test('one replica each by default; the data services always exactly one', () => {
    for (const name of Object.keys(stack.services)) {
      expect({ name, replicas: stack.services[name].deploy.replicas }).toEqual({ name, replicas: 1 });
    }
  });

  test('healthchecks are kept (Redis reads its password from the secret file first)', () => {
    for (const name of ['pomerium', 'netbox', 'netbox-worker', 'postgres']) {
      expect(stack.services[name].healthcheck).toEqual(compose.services[name].healthcheck);
    }
    for (const name of [SERVICES.redis, SERVICES.redisCache]) {
      const secretFile = `/run/secrets/${name === SERVICES.redis ? 'redis_password' : 'redis_cache_password'}`;
      const read = `REDIS_PASSWORD="$$(cat ${secretFile})" && `;
      expect(stack.services[name].healthcheck).toEqual({
        ...compose.services[name].healthcheck,
        test: ['CMD-SHELL', read + compose.services[name].healthcheck.test[1]],
      });
      expect(stack.services[name].command).toEqual(['sh', '-c', read + compose.services[name].command[2]]);
      expect(stack.services[name].environment).toBeUndefined();
    }
  });

  test('secrets are external Swarm secrets with versioned names, read from files under /run/secrets', () => {
    const names = Object.fromEntries(Object.entries<any>(stack.secrets).map(([k, v]) => [k, v]));
    expect(Object.keys(names).sort()).toEqual(['idp_client_secret', 'netbox_api_token_pepper_1', 'netbox_secret_key',
      'pomerium_cookie_secret', 'pomerium_shared_secret', 'postgres_password', 'redis_cache_password', 'redis_password']);
    expect(names.postgres_password).toEqual({
      external: true, name: '${SWARM_SECRET_POSTGRES_PASSWORD:?is set by the projen task that deploys the stack}',
    });
    const owned = { uid: '0', gid: '0', mode: 0o440 };
    // No `user:` in compose.yaml: the image's user reads it, whoever that is (e.g. a -nonroot Pomerium image).
    const anyUser = { uid: '0', gid: '0', mode: 0o444 };
    // netbox-docker reads /run/secrets/<its own name>; the container user (netbox:root) reads through group root.
    expect(stack.services.netbox.user).toBe('netbox:root');
    expect(stack.services.netbox.secrets).toEqual([
      { source: 'postgres_password', target: 'db_password', ...owned },
      { source: 'redis_password', target: 'redis_password', ...owned },
      { source: 'redis_cache_password', target: 'redis_cache_password', ...owned },
      { source: 'netbox_secret_key', target: 'secret_key', ...owned },
      { source: 'netbox_api_token_pepper_1', target: 'api_token_pepper_1', ...owned },
    ]);
    expect(stack.services['netbox-worker'].secrets).toEqual(stack.services.netbox.secrets);
    expect(stack.services.netbox.environment).toBeUndefined();
    // Pomerium and Postgres: the *_FILE variables.
    expect(pomerium.environment).toEqual({
      COOKIE_SECRET_FILE: '/run/secrets/pomerium_cookie_secret',
      SHARED_SECRET_FILE: '/run/secrets/pomerium_shared_secret',
      IDP_CLIENT_SECRET_FILE: '/run/secrets/idp_client_secret',
    });
    expect(pomerium.secrets.map((x: any) => x.source)).toEqual(['pomerium_cookie_secret', 'pomerium_shared_secret', 'idp_client_secret']);
    expect(stack.services.postgres.environment).toEqual({ POSTGRES_PASSWORD_FILE: '/run/secrets/postgres_password' });
    expect(pomerium.secrets[0]).toEqual({ source: 'pomerium_cookie_secret', target: 'pomerium_cookie_secret', ...anyUser });
    expect(stack.services.postgres.secrets).toEqual([{ source: 'postgres_password', target: 'postgres_password', ...anyUser }]);
    // Shared passwords: one Swarm secret each, as in compose.yaml one .env variable.
    expect(stack.services.redis.secrets).toEqual([{ source: 'redis_password', target: 'redis_password', ...anyUser }]);
    expect(stack.services['redis-cache'].secrets).toEqual([{ source: 'redis_cache_password', target: 'redis_cache_password', ...anyUser }]);
    // No interpolated secret is left anywhere.
    expect(s.files[FILES.stack]).not.toMatch(/\$\{(?!SWARM_)/);
  });

  test('the mounted Pomerium config becomes a Swarm config', () => {
    expect(stack.configs).toEqual({
      pomerium_config_yaml: {
        file: './pomerium/config.yaml',
        name: '${SWARM_CONFIG_POMERIUM_CONFIG_YAML:?is set by the projen task that deploys the stack}',
      },
    });
    expect(compose.services.pomerium.volumes).toEqual(['./pomerium/config.yaml:/pomerium/config.yaml:ro']);
    expect(pomerium.volumes).toBeUndefined();
    expect(pomerium.configs).toEqual([{ source: 'pomerium_config_yaml', target: '/pomerium/config.yaml', mode: 0o444 }]);
    // Named volumes stay volumes.
    expect(stack.services.postgres.volumes).toEqual(compose.services.postgres.volumes);
  });

  test('tasks stack-deploy and stack-rm run the generated script', () => {
    expect(s.tasks['stack-deploy']).toEqual({
      name: 'stack-deploy',
      description: 'Deploy to Docker Swarm: create the Swarm secrets from .env, then docker stack deploy -c stack.yaml netbox (flags after --)',
      steps: [{ exec: `sh ${FILES.stackScript} deploy`, receiveArgs: true }],
    });
    expect(s.tasks['stack-rm']).toEqual({
      name: 'stack-rm',
      description: 'Remove the Swarm stack netbox and the secrets stack-deploy created; volumes (the data) stay',
      steps: [{ exec: `sh ${FILES.stackScript} rm` }],
    });
    const script = s.files[FILES.stackScript];
    expect(script).toMatch(/^# .*npx projen/);
    expect(script).toContain('  secret postgres_password POSTGRES_PASSWORD SWARM_SECRET_POSTGRES_PASSWORD\n');
    expect(script).toContain('  config pomerium_config_yaml pomerium/config.yaml SWARM_CONFIG_POMERIUM_CONFIG_YAML\n');
    expect(script).toContain('  docker stack deploy -c stack.yaml "$@" "$STACK"\n');
  });

  test('no secret value in stack.yaml or the script', () => {
    const values = s.dotenv.split('\n').filter((l) => /^[A-Z_0-9]+='/.test(l)).map((l) => l.split('=').slice(1).join('=').slice(1, -1));
    expect(values.length).toBeGreaterThanOrEqual(6);
    for (const file of [FILES.stack, FILES.stackScript]) {
      for (const value of values) expect({ file, leaks: s.files[file].includes(value) }).toEqual({ file, leaks: false });
    }
  });

  test('snapshot of stack.yaml', () => {
    expect(s.files[FILES.stack]).toMatchSnapshot();
  });
});

describe('swarmOptions', () => {
  test('replicas for NetBox web, worker and Pomerium; several Pomerium replicas get a sticky cookie and a warning', () => {
    const { stack } = swarm({ swarmOptions: { netboxReplicas: 3, workerReplicas: 2, pomeriumReplicas: 2 } });
    expect(stack.services.netbox.deploy.replicas).toBe(3);
    expect(stack.services['netbox-worker'].deploy.replicas).toBe(2);
    expect(stack.services.pomerium.deploy.replicas).toBe(2);
    for (const name of DATA_SERVICES) expect(stack.services[name].deploy.replicas).toBe(1);
    const labels = stack.services.pomerium.deploy.labels;
    expect(labels['traefik.http.services.netbox.loadbalancer.sticky.cookie']).toBe('true');
    expect(labels['traefik.http.services.netbox.loadbalancer.sticky.cookie.secure']).toBe('true');
    expect(labels['traefik.http.services.netbox.loadbalancer.sticky.cookie.httponly']).toBe('true');
    const model = compileDeployment({ ...SEED, swarm: true, swarmOptions: { pomeriumReplicas: 2 } }).model;
    expect(model.warnings.join('\n')).toMatch(/pomeriumReplicas is 2: each Pomerium replica keeps its sessions in memory/);
  });

  test('one Pomerium replica has no sticky cookie', () => {
    const { stack } = swarm();
    expect(Object.keys(stack.services.pomerium.deploy.labels).filter((k) => k.includes('sticky'))).toEqual([]);
  });

  test('dataNodeLabel names the placement constraint', () => {
    const { stack } = swarm({ swarmOptions: { dataNodeLabel: 'db-node' } });
    for (const name of [...DATA_SERVICES, SERVICES.netbox, SERVICES.worker]) {
      expect(stack.services[name].deploy.placement).toEqual({ constraints: ['node.labels.db-node == true'] });
    }
  });

  test('traefikVersion BEFORE_V3_2_2 keeps the older traefik.docker.network label name', () => {
    const { stack } = swarm({ swarmOptions: { traefikVersion: SwarmTraefikVersion.BEFORE_V3_2_2 } });
    expect(stack.services.pomerium.deploy.labels['traefik.docker.network']).toBe('traefik-proxy');
    expect(stack.services.pomerium.deploy.labels['traefik.swarm.network']).toBeUndefined();
  });

  test('media volumes on shared storage let NetBox web and worker run on any node', () => {
    const { stack } = swarm({
      composeOverrides: {
        'volumes.netbox-media-files': { driver: 'local', driver_opts: { type: 'nfs', o: 'addr=10.0.0.5,rw', device: ':/netbox/media' } },
        'volumes.netbox-reports-files': { driver: 'local', driver_opts: { type: 'nfs', o: 'addr=10.0.0.5,rw', device: ':/netbox/reports' } },
        'volumes.netbox-scripts-files': { driver: 'local', driver_opts: { type: 'nfs', o: 'addr=10.0.0.5,rw', device: ':/netbox/scripts' } },
      },
    });
    expect(stack.services.netbox.deploy.placement).toBeUndefined();
    expect(stack.services['netbox-worker'].deploy.placement).toBeUndefined();
    for (const name of DATA_SERVICES) expect(stack.services[name].deploy.placement).toEqual({ constraints: [CONSTRAINT] });
  });

  test('bad values are reported together, when the model is built, with the option path and the fix', () => {
    let message = '';
    try {
      compileDeployment({
        ...SEED,
        swarm: true,
        swarmOptions: { netboxReplicas: 0, workerReplicas: 1.5, pomeriumReplicas: -1, dataNodeLabel: 'netbox data', traefikVersion: 'v2' as any },
      }).model;
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^netbox-pomerium: the declaration has 5 problems; nothing was written\./);
    expect(message).toContain('swarmOptions.netboxReplicas: is not a replica count (got 0). Use a whole number of 1 or more');
    expect(message).toContain('swarmOptions.workerReplicas: is not a replica count (got 1.5).');
    expect(message).toContain('swarmOptions.pomeriumReplicas: is not a replica count (got -1).');
    expect(message).toContain('swarmOptions.dataNodeLabel: is not a Docker node label key (got "netbox data"). Use letters and digits');
    expect(message).toContain('swarmOptions.traefikVersion: is not a known Traefik version switch (got "v2"). Use one of: "v3.2.2-or-later", "before-v3.2.2"');
    expect(() => new NetboxPomeriumProject({ ...SEED, swarm: true, swarmOptions: { dataNodeLabel: 'a==b' } }))
      .toThrow(/swarmOptions\.dataNodeLabel: is not a Docker node label key \(got "a==b"\)/);
  });

  test('swarmOptions without swarm: a warning, no stack file', () => {
    const model = compileDeployment({ ...SEED, swarmOptions: { netboxReplicas: 2 } }).model;
    expect(model.warnings).toContain('swarmOptions has no effect while swarm is off. Set swarm: true to emit stack.yaml.');
    const s = synth({ swarmOptions: { netboxReplicas: 2 } });
    expect(s.files[FILES.stack]).toBeUndefined();
  });
});

describe('problems only the stack has are refused before anything is written', () => {
  test('a secret in the environment of a service that cannot read it from a file', () => {
    expect(() => new NetboxPomeriumProject({
      ...SEED,
      swarm: true,
      apps: [{ name: 'grafana', image: 'grafana/grafana:11.3.0', port: 3000, host: 'grafana.example.org' }],
      composeOverrides: { 'services.grafana.environment.GF_DATABASE_PASSWORD': '${POSTGRES_PASSWORD:?x}' },
    })).toThrow(/composeOverrides\["services\.grafana\.environment\.GF_DATABASE_PASSWORD"\]: passes a secret from \.env that the Swarm stack cannot deliver/);
  });

  test('a project name too long for Swarm object names', () => {
    expect(() => new NetboxPomeriumProject({ ...SEED, name: 'netbox-for-the-network-operations-team', swarm: true }))
      .toThrow(/name: makes the Swarm object name "netbox-for-the-network-operations-team_netbox_api_token_pepper_1_000000000000" longer than 64 characters \(got "netbox-for-the-network-operations-team"\)\. Use a project name of at most 25 characters; Swarm secrets and configs are named <project>_<key>_<digest>\./);
    // compose.yaml alone does not care.
    expect(() => new NetboxPomeriumProject({ ...SEED, name: 'netbox-for-the-network-operations-team' })).not.toThrow();
  });

  test('they are reported together with the declaration\'s other problems, when the model is built', () => {
    expect(() => compileDeployment({ ...SEED, name: 'netbox-for-the-network-operations-team', swarm: true, swarmOptions: { workerReplicas: 0 } }).model)
      .toThrow(/the declaration has 2 problems[^]*swarmOptions\.workerReplicas: is not a replica count[^]*name: makes the Swarm object name/);
  });
});

describe('one declaration, two files', () => {
  test('a new domain reaches compose.yaml and stack.yaml', () => {
    const s = swarm({ domain: 'ipam.corp.example' });
    expect(s.compose.services.pomerium.labels['traefik.http.routers.netbox.rule']).toBe('Host(`ipam.corp.example`) || Host(`authenticate.ipam.corp.example`)');
    expect(s.stack.services.pomerium.deploy.labels['traefik.http.routers.netbox.rule']).toBe('Host(`ipam.corp.example`) || Host(`authenticate.ipam.corp.example`)');
    expect(s.files[FILES.stack]).not.toContain('netbox.example.org');
    // The route reaches Pomerium's config, which the stack mounts as a config.
    expect(s.pomerium.routes[0].from).toBe('https://ipam.corp.example');
    expect(s.stack.configs.pomerium_config_yaml.file).toBe('./pomerium/config.yaml');
  });

  test('pomeriumPort and traefikNetwork reach both files', () => {
    const s = swarm({ pomeriumPort: 9443, traefikNetwork: 'edge' });
    const labels = s.stack.services.pomerium.deploy.labels;
    expect(labels['traefik.http.services.netbox.loadbalancer.server.port']).toBe('9443');
    expect(s.compose.services.pomerium.labels['traefik.http.services.netbox.loadbalancer.server.port']).toBe('9443');
    expect(labels['traefik.swarm.network']).toBe('edge');
    expect(s.stack.networks.edge).toEqual({ external: true, name: 'edge' });
    expect(s.stack.services.pomerium.networks).toContain('edge');
  });

  test('an app: its service, network and route go to both files', () => {
    const s = swarm({ apps: [{ name: 'grafana', image: 'grafana/grafana:11.3.0', port: 3000, host: 'grafana.example.org', environment: { A: 'b' } }] });
    expect(s.stack.services.grafana).toEqual({
      image: 'grafana/grafana:11.3.0',
      env_file: ['env/grafana.env'],
      networks: ['grafana-internal'],
      deploy: { restart_policy: { condition: 'any' } },
    });
    expect(s.stack.networks['grafana-internal']).toEqual({ driver: 'overlay', internal: true });
    expect(s.stack.services.pomerium.deploy.labels['traefik.http.routers.netbox-grafana.rule']).toBe('Host(`grafana.example.org`)');
  });

  test('addApp() after construction reaches stack.yaml and the script', () => {
    const project = new NetboxPomeriumProject({ ...SEED, swarm: true });
    project.addApp({ name: 'grafana', image: 'grafana/grafana:11.3.0', port: 3000, host: 'grafana.example.org' });
    const stack = parse(Testing.synth(project)[FILES.stack]);
    expect(stack.services.grafana.networks).toEqual(['grafana-internal']);
    expect(stack.services.pomerium.networks).toContain('grafana-internal');
  });

  test('turning swarm off removes stack.yaml, the script and the tasks', () => {
    const s = synth();
    expect(s.files[FILES.stack]).toBeUndefined();
    expect(s.files[FILES.stackScript]).toBeUndefined();
    expect(s.files['.projen/tasks.json'].tasks['stack-deploy']).toBeUndefined();
    expect(s.files['.projen/tasks.json'].tasks['stack-rm']).toBeUndefined();
    expect(s.files['.projen/files.json'].files).not.toContain(FILES.stack);
    expect(swarm().files['.projen/files.json'].files).toEqual(expect.arrayContaining([FILES.stack, FILES.stackScript]));
  });
});

describe('pure functions', () => {
  const plan = compileDeployment({ ...SEED, swarm: true });
  const model = plan.model;
  const swarmOutput = plan.targets.find((t) => t.id === 'swarm')!.output;
  const swarmStack = swarmOutput.files.find((f) => f.path === FILES.stack)!.content as any;

  test('renderStack derives the stack from the rendered compose file and lists secrets and configs from it', () => {
    const stack = renderStack(model, renderCompose(model), new DeclarationProblems());
    expect(stack).toEqual(swarmStack);
    expect(Object.keys(stack.secrets)).toEqual(['pomerium_cookie_secret', 'pomerium_shared_secret', 'idp_client_secret', 'postgres_password',
      'redis_password', 'redis_cache_password', 'netbox_secret_key', 'netbox_api_token_pepper_1']);
    expect(stackConfigs({ services: { a: { volumes: ['./x/y.conf:/etc/y.conf:ro', 'data:/data', '/abs:/abs'] } } }))
      .toEqual([{ key: 'x_y_conf', file: 'x/y.conf', nameVariable: 'SWARM_CONFIG_X_Y_CONF' }]);
  });

  test('swarmRunbookSection: node label, deploy command, pinned services; no stack and no section when swarm is off', () => {
    const lines = swarmRunbookSection(model, swarmStack);
    expect(swarmOutput.runbook).toEqual(lines);
    const text = lines.join('\n');
    expect(lines[0]).toBe('## Docker Swarm');
    expect(text).toContain('`docker node update --label-add netbox.data=true <node>`');
    expect(text).toContain('`docker network create --driver overlay --attachable traefik-proxy`');
    expect(text).toContain('`npx projen stack-deploy`');
    expect(text).toContain('`docker stack deploy -c stack.yaml netbox`');
    expect(text).toContain('`npx projen stack-rm`');
    expect(text).toContain('`netbox`, `netbox-worker`, `postgres`, `redis`, `redis-cache` run only there');
    expect(text).toContain('| pomerium | 1 | any node |');
    expect(text).toContain('| postgres | 1 | `node.labels.netbox.data == true` |');
    expect(compileDeployment({ ...SEED }).targets.map((t) => t.id)).toEqual(['compose']);
  });
});

describe('docker stack config (the docker CLI\'s own loader) accepts stack.yaml', () => {
  const declarations: Array<[string, object]> = [
    ['the seed', {}],
    ...NETBOX_RELEASES.map((r): [string, object] => [`netbox-docker ${r.tag} with superusers`, { netboxVersion: r.tag, superusers: ['admin@example.org'] }]),
    ['replicas, an app and a separate authenticate host', {
      swarmOptions: { netboxReplicas: 2, workerReplicas: 2, pomeriumReplicas: 2, traefikVersion: SwarmTraefikVersion.BEFORE_V3_2_2 },
      authenticateHost: 'auth.example.org',
      apps: [{ name: 'grafana', image: 'grafana/grafana:11.3.0', port: 3000, host: 'grafana.example.org', environment: { GF_AUTH_PROXY_ENABLED: 'true' } }],
    }],
  ];

  test.each(declarations)('%s', (_name, overrides) => {
    const s = swarm(overrides);
    const dir = deploymentDir(s);
    const r = dockerStackConfig(dir, FILES.stack, versionEnv(s.stack));
    expect(r.status).toBe(0);
    const resolved = parse(r.output);
    // The loader's view: names resolved, service labels and placement where we put them.
    expect(resolved.secrets.postgres_password).toEqual({ name: 'netbox_postgres_password_0123456789ab', external: true });
    expect(resolved.configs.pomerium_config_yaml.name).toBe('netbox_pomerium_config_yaml_0123456789ab');
    expect(resolved.services.pomerium.deploy.labels['traefik.enable']).toBe('true');
    expect(resolved.services.postgres.deploy.placement.constraints).toEqual([CONSTRAINT]);
    if (s.stack.services.netbox.configs) {
      // Releases that need settings netbox-docker cannot read from env mount the extra .py as a config.
      expect(s.stack.services.netbox.configs).toEqual([{ source: 'netbox_zz_netbox_pomerium_py', target: '/etc/netbox/config/zz_netbox_pomerium.py', mode: 0o444 }]);
      expect(resolved.configs.netbox_zz_netbox_pomerium_py.file).toBe(path.join(dir, 'netbox/zz_netbox_pomerium.py'));
    }
  });

  test('the extra NetBox configuration file is a config for releases that need it', () => {
    const s = swarm({ netboxVersion: 'v3.0-1.4.1', superusers: ['admin@example.org'] });
    expect(s.stack.services.netbox.configs).toEqual([{ source: 'netbox_zz_netbox_pomerium_py', target: '/etc/netbox/config/zz_netbox_pomerium.py', mode: 0o444 }]);
    expect(s.stack.configs.netbox_zz_netbox_pomerium_py.file).toBe('./netbox/zz_netbox_pomerium.py');
    // netbox-docker 1.4.1 runs as unit:root: group root reads the secrets.
    expect(s.stack.services.netbox.secrets[0]).toEqual({ source: 'postgres_password', target: 'db_password', uid: '0', gid: '0', mode: 0o440 });
  });

  test('without the versioned names it refuses, and says who sets them', () => {
    const s = swarm();
    const r = dockerStackConfig(deploymentDir(s), FILES.stack);
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/required variable SWARM_(SECRET|CONFIG)_[A-Z_0-9]+ is missing a value: is set by the projen task that deploys the stack/);
  });

  test('it can fail: compose.yaml itself is rejected (long-form depends_on)', () => {
    const s = swarm();
    const dir = deploymentDir(s);
    const r = dockerStackConfig(dir, 'compose.yaml', readDotenv(dir));
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('depends_on must be a list');
  });
});

/**
 * A `docker` on PATH that records its calls, keeps created secrets in a directory, and on
 * `stack deploy` runs the real `docker stack config` with the environment it was given.
 */
function runScript(dir: string, docker: { bin: string; state: string }, ...args: string[]) {
  return spawnSync('sh', [FILES.stackScript, ...args], {
    cwd: dir,
    encoding: 'utf-8',
    env: { ...process.env, PATH: `${docker.bin}:${process.env.PATH}`, FAKE_STATE: docker.state, REAL_DOCKER: DOCKER },
  });
}

describe('the stack-deploy / stack-rm script, with a recording docker', () => {
  const s = swarm();

  test('deploy creates every secret once from .env (no trailing newline), names the configs, and the loader accepts the result', () => {
    const dir = deploymentDir(s);
    const docker = fakeDocker();
    // As `npx projen stack-deploy -- --prune` calls it: projen passes the `--` on.
    const r = runScript(dir, docker, 'deploy', '--', '--prune');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const env = readDotenv(dir);
    const secrets = readdirSync(path.join(docker.state, 'secrets')).filter((f) => !f.endsWith('.label')).sort();
    expect(secrets).toHaveLength(Object.keys(s.stack.secrets).length);
    for (const key of Object.keys(s.stack.secrets)) {
      const name = secrets.find((n) => new RegExp(`^netbox_${key}_[0-9a-f]{12}$`).test(n));
      expect({ key, created: name !== undefined }).toEqual({ key, created: true });
      expect(readFileSync(path.join(docker.state, 'secrets', name!), 'utf-8')).toBe(env[key.toUpperCase()]);
      expect(readFileSync(path.join(docker.state, 'secrets', `${name}.label`), 'utf-8')).toBe('netbox-pomerium.stack=netbox\n');
    }
    const calls = readFileSync(path.join(docker.state, 'calls'), 'utf-8').trim().split('\n');
    expect(calls[calls.length - 1]).toBe('stack deploy -c stack.yaml --prune netbox');
    // The real loader, with the environment the script gave docker: every versioned name resolved.
    const resolved = parse(readFileSync(path.join(docker.state, 'stack-config'), 'utf-8'));
    expect(resolved.secrets.postgres_password.name).toMatch(/^netbox_postgres_password_[0-9a-f]{12}$/);
    expect(secrets).toContain(resolved.secrets.postgres_password.name);
    expect(resolved.configs.pomerium_config_yaml.name).toMatch(/^netbox_pomerium_config_yaml_[0-9a-f]{12}$/);
    // The secret values themselves never reach docker's environment.
    const deployEnv = readFileSync(path.join(docker.state, 'deploy-env'), 'utf-8');
    for (const value of Object.values(env)) expect(deployEnv.includes(value)).toBe(false);
  });

  test('a second deploy reuses the secrets; a changed value or config file gets a new version', () => {
    const dir = deploymentDir(s);
    const docker = fakeDocker();
    expect(runScript(dir, docker, 'deploy').status).toBe(0);
    const first = parse(readFileSync(path.join(docker.state, 'stack-config'), 'utf-8'));
    const creates = () => readFileSync(path.join(docker.state, 'calls'), 'utf-8').split('\n').filter((l) => l.startsWith('secret create')).length;
    const created = creates();

    expect(runScript(dir, docker, 'deploy').status).toBe(0);
    expect(creates()).toBe(created);
    const second = parse(readFileSync(path.join(docker.state, 'stack-config'), 'utf-8'));
    expect(second.secrets).toEqual(first.secrets);
    expect(second.configs).toEqual(first.configs);

    const envPath = path.join(dir, '.env');
    writeFileSync(envPath, readFileSync(envPath, 'utf-8').replace(/^REDIS_PASSWORD='.*'$/m, "REDIS_PASSWORD='rotated0000000000000000000000000'"));
    writeFileSync(path.join(dir, 'pomerium/config.yaml'), `${readFileSync(path.join(dir, 'pomerium/config.yaml'), 'utf-8')}# changed\n`);
    expect(runScript(dir, docker, 'deploy').status).toBe(0);
    expect(creates()).toBe(created + 1);
    const third = parse(readFileSync(path.join(docker.state, 'stack-config'), 'utf-8'));
    expect(third.secrets.redis_password.name).not.toBe(first.secrets.redis_password.name);
    expect(third.secrets.postgres_password.name).toBe(first.secrets.postgres_password.name);
    expect(third.configs.pomerium_config_yaml.name).not.toBe(first.configs.pomerium_config_yaml.name);
  });

  test('deploy stops before docker stack deploy when a secret is missing from .env', () => {
    const s2 = swarm();
    const dir = writeTree({ ...s2.files, '.env': s2.dotenv });
    const docker = fakeDocker();
    const r = runScript(dir, docker, 'deploy');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('stack-deploy: IDP_CLIENT_SECRET is missing or empty in .env\n');
    expect(readFileSync(path.join(docker.state, 'calls'), 'utf-8')).not.toContain('stack deploy');
  });

  test('rm removes the stack and the secrets deploy created', () => {
    const dir = deploymentDir(s);
    const docker = fakeDocker();
    expect(runScript(dir, docker, 'deploy').status).toBe(0);
    writeFileSync(path.join(docker.state, 'calls'), '');
    const r = runScript(dir, docker, 'rm');
    expect(r.status).toBe(0);
    const calls = readFileSync(path.join(docker.state, 'calls'), 'utf-8').trim().split('\n');
    expect(calls[0]).toBe('stack rm netbox');
    expect(calls[1]).toBe('secret ls -q --filter label=netbox-pomerium.stack=netbox');
    expect(calls[2]).toMatch(/^secret rm( netbox_[a-z0-9_]+_[0-9a-f]{12}){8}$/);
  });
});
