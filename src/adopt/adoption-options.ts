/**
 * What `npx projen adopt` took over from an existing NetBox deployment. It is written into
 * `.projenrc.ts` by the adopt task, so every later synthesis keeps the old project, volumes, Postgres
 * and identity claim. The secrets it took over live in `.env`, never here.
 */
export interface AdoptionOptions {
  /**
   * The compose file the values were read from (for the record; nothing reads it again).
   * @default - not recorded
   */
  readonly composeFile?: string;

  /** The old Compose project name; compose.yaml's `name:` and the tasks' `-p` use it. */
  readonly projectName: string;

  /** The image the old stack ran NetBox from, e.g. `netboxcommunity/netbox:v3.0-1.4.1`; `netboxVersion` may not be older. */
  readonly netboxImage: string;

  /** The old Postgres image, e.g. `postgres:13-alpine`; compose.yaml keeps it (a new major cannot read the data). */
  readonly postgresImage: string;

  /** Where the old Postgres data volume is mounted, e.g. `/var/lib/postgresql/data`. */
  readonly postgresDataPath: string;

  /** The Docker volume holding the Postgres data, e.g. `netbox_netbox-postgres-data`. */
  readonly postgresDataVolume: string;

  /**
   * The Docker volume holding NetBox's media files.
   * @default - a new, empty volume
   */
  readonly mediaVolume?: string;

  /**
   * The Docker volume holding NetBox's reports.
   * @default - a new, empty volume (when the release has one)
   */
  readonly reportsVolume?: string;

  /**
   * The Docker volume holding NetBox's scripts.
   * @default - a new, empty volume (when the release has one)
   */
  readonly scriptsVolume?: string;

  /**
   * The Docker volume holding the Redis/Valkey task queue (append-only file).
   * @default - a new, empty volume
   */
  readonly redisDataVolume?: string;

  /**
   * The Docker volume holding the Redis/Valkey cache.
   * @default - a new, empty volume
   */
  readonly redisCacheDataVolume?: string;

  /**
   * The IdP claim NetBox takes the user name from (Pomerium sends it as a claim header). Keeping it
   * keeps the users: another claim would create new users at login.
   * @default "email"
   */
  readonly userClaim?: string;
}
