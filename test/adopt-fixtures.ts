import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import type { AdoptionOptions } from '../src/adopt/adoption-options';

/** The seed's compose file (test/fixtures/README.md says where it comes from). */
export const SEED_COMPOSE = readFileSync(path.join(__dirname, 'fixtures', 'seed-docker-compose.yml'), 'utf-8');

/** The seed's secrets, as its compose file holds them. */
export const SEED_SECRETS = {
  db: 'J5brHrAXFLQSif0K',
  redis: 'H733Kdjndks81',
  redisCache: 't4Ph722qJ5QHeQ1qfu36',
  secretKey: 'r8OwDznjdciP9ghmRfdu1Ysxm0AiPeDCQhKE+N_rClfWNj',
  cookie: 'hga0ITGAa+eZWJqM7ZtPdPes+qEK9lT5Jtkj7I9u8+o=',
};

/** Secrets of the netbox-docker-shaped deployment; the key has `$`, `#` and `(`, hence single quotes. */
export const ND_SECRETS = {
  db: 'Xq7pL2vN9sR4tW8yZ3bC6dF1',
  redis: 'Kd83jfHs72Lq0Pzm',
  redisCache: 'Vn28sKq93LmZx04R',
  secretKey: 'r(m)9nLGnz$(_q3N4z1k(EFsMCjjjzx08x9VhNVcfd%6RF#r!6DE@+V5Zk2X',
};

/**
 * A deployment shaped like netbox-docker 3.0.2's own (stack-facts §1.3, §1.5): docker-compose.yml with
 * the `netbox` anchor reused by worker and housekeeping, `env/*.env` files, Valkey, Postgres 16 and
 * netbox-docker's volume names. Written from those facts for the test, not copied.
 */
export function netboxDockerFiles(): Record<string, string> {
  const compose = `services:
  netbox: &netbox
    image: docker.io/netboxcommunity/netbox:\${VERSION-v4.1-3.0.2}
    depends_on:
      - postgres
      - redis
      - redis-cache
    env_file: env/netbox.env
    user: 'unit:root'
    healthcheck:
      test: curl -f http://localhost:8080/login/ || exit 1
      start_period: 90s
      timeout: 3s
      interval: 15s
    volumes:
      - ./configuration:/etc/netbox/config:z,ro
      - netbox-media-files:/opt/netbox/netbox/media:rw
      - netbox-reports-files:/opt/netbox/netbox/reports:rw
      - netbox-scripts-files:/opt/netbox/netbox/scripts:rw
  netbox-worker:
    <<: *netbox
    depends_on:
      netbox:
        condition: service_healthy
    command:
      - /opt/netbox/venv/bin/python
      - /opt/netbox/netbox/manage.py
      - rqworker
    healthcheck:
      test: ps -aux | grep -v grep | grep -q rqworker || exit 1
  netbox-housekeeping:
    <<: *netbox
    depends_on:
      netbox:
        condition: service_healthy
    command:
      - /opt/netbox/housekeeping.sh
  postgres:
    image: docker.io/postgres:16-alpine
    healthcheck:
      test: pg_isready -q -t 2 -d $$POSTGRES_DB -U $$POSTGRES_USER
    env_file: env/postgres.env
    volumes:
      - netbox-postgres-data:/var/lib/postgresql/data
  redis:
    image: docker.io/valkey/valkey:8.0-alpine
    command:
      - sh
      - -c
      - valkey-server --appendonly yes --requirepass $$REDIS_PASSWORD
    env_file: env/redis.env
    volumes:
      - netbox-redis-data:/data
  redis-cache:
    image: docker.io/valkey/valkey:8.0-alpine
    command:
      - sh
      - -c
      - valkey-server --requirepass $$REDIS_PASSWORD
    env_file: env/redis-cache.env
    volumes:
      - netbox-redis-cache-data:/data

volumes:
  netbox-media-files:
    driver: local
  netbox-postgres-data:
    driver: local
  netbox-redis-cache-data:
    driver: local
  netbox-redis-data:
    driver: local
  netbox-reports-files:
    driver: local
  netbox-scripts-files:
    driver: local
`;
  return {
    'docker-compose.yml': compose,
    'env/netbox.env': [
      'CORS_ORIGIN_ALLOW_ALL=True',
      'DB_HOST=postgres',
      'DB_NAME=netbox',
      `DB_PASSWORD=${ND_SECRETS.db}`,
      'DB_USER=netbox',
      'EMAIL_FROM=netbox@bar.com',
      'GRAPHQL_ENABLED=true',
      'MEDIA_ROOT=/opt/netbox/netbox/media',
      'METRICS_ENABLED=false',
      'REDIS_CACHE_DATABASE=1',
      'REDIS_CACHE_HOST=redis-cache',
      `REDIS_CACHE_PASSWORD=${ND_SECRETS.redisCache}`,
      'REDIS_DATABASE=0',
      'REDIS_HOST=redis',
      `REDIS_PASSWORD=${ND_SECRETS.redis}`,
      `SECRET_KEY='${ND_SECRETS.secretKey}'`,
      'SKIP_SUPERUSER=true',
      'WEBHOOKS_ENABLED=true',
      '',
    ].join('\n'),
    'env/postgres.env': `POSTGRES_DB=netbox\nPOSTGRES_PASSWORD=${ND_SECRETS.db}\nPOSTGRES_USER=netbox\n`,
    'env/redis.env': `REDIS_PASSWORD=${ND_SECRETS.redis}\n`,
    'env/redis-cache.env': `REDIS_PASSWORD=${ND_SECRETS.redisCache}\n`,
  };
}

/** Writes files into `<new temp dir>/<folder>`; returns that folder. */
export function writeOldDeployment(folder: string, files: Record<string, string>): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'nbp-old-')), folder);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

/** The seed stack as adopt records it (netbox-docker 1.4.1, Postgres 13), with the required keys only. */
export const ADOPTION: AdoptionOptions = {
  projectName: 'netbox',
  netboxImage: 'netboxcommunity/netbox:v3.0-1.4.1',
  postgresImage: 'postgres:13-alpine',
  postgresDataPath: '/var/lib/postgresql/data',
  postgresDataVolume: 'netbox_netbox-postgres-data',
  mediaVolume: 'netbox_netbox-media-files',
};

/** The release the plugin fixture's Dockerfile starts from, and two table plugins valid for it. */
export const PLUGIN_RELEASE = 'v4.5-4.0.0';
export const ADOPTED_PLUGINS = [{ package: 'netbox-inventory', version: '2.5.1' }, { package: 'netbox-topology-views', version: '4.5.1' }];

/**
 * netboxDockerFiles() with netbox-docker's plugin pattern (its wiki, "Using Netbox Plugins") merged into
 * one file: NetBox builds `netbox:latest-plugins` from Dockerfile-Plugins, worker and housekeeping run
 * that image without a build; the Dockerfile installs plugin_requirements.txt with uv and copies plugins.py.
 */
export function netboxDockerPluginFiles(requirements = ADOPTED_PLUGINS.map((p) => `${p.package}==${p.version}`).join('\n')): Record<string, string> {
  const base = netboxDockerFiles();
  const compose = base['docker-compose.yml']
    .replace('services:\n  netbox: &netbox\n    image: docker.io/netboxcommunity/netbox:${VERSION-v4.1-3.0.2}\n',
      'x-netbox: &netbox\n    image: netbox:latest-plugins\n    pull_policy: never\n')
    .replace('  netbox-worker:\n',
      'services:\n  netbox:\n    <<: *netbox\n    build:\n      context: .\n      dockerfile: Dockerfile-Plugins\n  netbox-worker:\n');
  return {
    ...base,
    'docker-compose.yml': compose,
    'Dockerfile-Plugins': [
      `FROM docker.io/netboxcommunity/netbox:${PLUGIN_RELEASE}`,
      '',
      'COPY ./plugin_requirements.txt /opt/netbox/',
      'RUN /usr/local/bin/uv pip install -r /opt/netbox/plugin_requirements.txt',
      '',
      '# These lines are only required if your plugin has its own static files.',
      'COPY configuration/configuration.py /etc/netbox/config/configuration.py',
      'COPY configuration/plugins.py /etc/netbox/config/plugins.py',
      'RUN DEBUG="true" SECRET_KEY="dummydummydummydummydummydummydummydummydummydummy" \\',
      '    /opt/netbox/venv/bin/python /opt/netbox/netbox/manage.py collectstatic --no-input',
      '',
    ].join('\n'),
    'plugin_requirements.txt': `# plugins\n${requirements}\n`,
    'configuration/plugins.py': 'PLUGINS = ["netbox_inventory", "netbox_topology_views"]\n\nPLUGINS_CONFIG = {\n  "netbox_topology_views": {"allow_coordinates_saving": True},\n}\n',
  };
}
