import { randomBytes } from 'crypto';
import { NetboxRelease } from '../netbox/netbox-releases';

/** The shape of a generated secret. */
export enum SecretFormat {
  /** Standard base64 of exactly 32 random bytes (Pomerium cookie and shared secrets). */
  BASE64_32_BYTES = 'base64-32-bytes',
  /** Letters and digits only: survive env files, shells, URLs and Compose interpolation unquoted. */
  ALPHANUMERIC = 'alphanumeric',
}

/** One secret the stack needs. Values live only in the git-ignored `.env`. */
export interface SecretSpec {
  /** Variable name in `.env`, referenced from compose.yaml as `${NAME}`. */
  readonly envName: string;
  /** Short id for `npx projen rotate-secret <id>`. */
  readonly id: string;
  readonly format: SecretFormat;
  /** Length in characters (ALPHANUMERIC only). */
  readonly length?: number;
  readonly description: string;
  /** What must happen besides writing a new value when it is rotated. */
  readonly rotation: string;
  /** Whether rotating it needs a step inside a running service (refused unless the user confirms). */
  readonly rotationNeedsServiceStep?: boolean;
}

/**
 * The generated secrets the data depends on: NETBOX_SECRET_KEY (sessions, password resets) and,
 * on releases with v2 tokens, the API token pepper. A restore needs the same values.
 */
export function dataSecretNames(secrets: readonly SecretSpec[]): string[] {
  return [SECRET_NAMES.secretKey, SECRET_NAMES.pepper].filter((n) => secrets.some((s) => s.envName === n));
}

export const SECRET_NAMES = {
  cookie: 'POMERIUM_COOKIE_SECRET',
  shared: 'POMERIUM_SHARED_SECRET',
  idpClientSecret: 'IDP_CLIENT_SECRET',
  secretKey: 'NETBOX_SECRET_KEY',
  pepper: 'NETBOX_API_TOKEN_PEPPER_1',
  db: 'POSTGRES_PASSWORD',
  redis: 'REDIS_PASSWORD',
  redisCache: 'REDIS_CACHE_PASSWORD',
} as const;

export function secretSpecsFor(release: NetboxRelease): SecretSpec[] {
  const specs: SecretSpec[] = [
    {
      envName: SECRET_NAMES.cookie,
      id: 'cookie-secret',
      format: SecretFormat.BASE64_32_BYTES,
      description: 'Pomerium cookie secret',
      rotation: 'Recreate pomerium (npx projen up); every user logs in again.',
    },
    {
      envName: SECRET_NAMES.shared,
      id: 'shared-secret',
      format: SecretFormat.BASE64_32_BYTES,
      description: 'Pomerium shared secret',
      rotation: 'Recreate pomerium (npx projen up).',
    },
    {
      envName: SECRET_NAMES.secretKey,
      id: 'secret-key',
      format: SecretFormat.ALPHANUMERIC,
      length: 64,
      description: 'NetBox SECRET_KEY',
      rotation: 'Recreate netbox and its worker (npx projen up); sessions and password-reset links end.',
    },
    {
      envName: SECRET_NAMES.db,
      id: 'db-password',
      format: SecretFormat.ALPHANUMERIC,
      length: 32,
      description: 'Postgres password of the netbox role',
      rotation: 'Postgres keeps the old password in its data volume: the task sets the new one with ALTER ROLE in the running postgres container, then recreate netbox and its worker (npx projen up).',
      rotationNeedsServiceStep: true,
    },
    {
      envName: SECRET_NAMES.redis,
      id: 'redis-password',
      format: SecretFormat.ALPHANUMERIC,
      length: 32,
      description: 'Redis/Valkey (tasks) password',
      rotation: 'Recreate redis, netbox and its worker (npx projen up).',
    },
    {
      envName: SECRET_NAMES.redisCache,
      id: 'redis-cache-password',
      format: SecretFormat.ALPHANUMERIC,
      length: 32,
      description: 'Redis/Valkey (cache) password',
      rotation: 'Recreate redis-cache, netbox and its worker (npx projen up).',
    },
  ];
  if (release.apiTokenPepper) {
    specs.push({
      envName: SECRET_NAMES.pepper,
      id: 'api-token-pepper',
      format: SecretFormat.ALPHANUMERIC,
      length: 64,
      description: 'NetBox API_TOKEN_PEPPER_1 (v2 API tokens)',
      rotation: 'Recreate netbox (npx projen up); every v2 API token stops working and must be issued again.',
    });
  }
  return specs;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A new value from the system's cryptographic RNG. */
export function generateSecret(spec: SecretSpec): string {
  if (spec.format === SecretFormat.BASE64_32_BYTES) return randomBytes(32).toString('base64');
  const length = spec.length ?? 32;
  let out = '';
  // Rejection sampling keeps every character equally likely (256 is not a multiple of 62).
  const limit = 256 - (256 % ALPHANUMERIC.length);
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit && out.length < length) out += ALPHANUMERIC[byte % ALPHANUMERIC.length];
    }
  }
  return out;
}
