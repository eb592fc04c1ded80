import { typescript } from 'projen';
import { AdoptionOptions } from './adopt/adoption-options';
import { ApiAccess } from './api/api-access-mode';
import { IdpProvider } from './pomerium/idp-provider';
import { Policy } from './pomerium/policy';

/**
 * Another web application protected by the same Pomerium, next to NetBox.
 */
export interface ProtectedAppOptions {
  /** Compose service name of the app (also names its network and Traefik router). */
  readonly name: string;
  /** Pinned container image, e.g. `grafana/grafana:11.3.0`. */
  readonly image: string;
  /** The port the app listens on inside its container. */
  readonly port: number;
  /** Public host name users open; Traefik routes it to Pomerium, Pomerium to the app. */
  readonly host: string;
  /**
   * Who may open the app.
   * @default - the deployment's policy
   */
  readonly policy?: Policy;
  /**
   * Whether Pomerium sends the identity headers (the signed JWT and the claim headers) to the app.
   * @default true
   */
  readonly passIdentityHeaders?: boolean;
  /**
   * Environment variables of the app (not secrets: they are committed).
   * @default - none
   */
  readonly environment?: Record<string, string>;
}

/** How NetBox's SMTP connection is secured. */
export enum EmailSecurity {
  /** Plain connection upgraded with STARTTLS (submission, usually port 587): `EMAIL_USE_TLS`. */
  STARTTLS = 'STARTTLS',
  /** TLS from the first byte (SMTPS, usually port 465): `EMAIL_USE_SSL`. */
  TLS = 'TLS',
  /** No encryption (a relay on a trusted network only). */
  NONE = 'NONE',
}

/**
 * The SMTP server NetBox sends mail through (password resets are off behind Pomerium; event rules,
 * reports and plugins send mail).
 */
export interface EmailOptions {
  /**
   * Host name of the SMTP server.
   * @default - the `emailServer` option; without either, NetBox sends no mail
   */
  readonly server?: string;
  /**
   * TCP port of the SMTP server.
   * @default 587
   */
  readonly port?: number;
  /**
   * How the connection is secured.
   * @default EmailSecurity.STARTTLS
   */
  readonly security?: EmailSecurity;
  /**
   * SMTP user name. With one, `EMAIL_PASSWORD` becomes a secret you put into the git-ignored `.env`.
   * @default - no authentication
   */
  readonly username?: string;
  /**
   * Sender address of NetBox's mail.
   * @default - the `emailFrom` option (required with a server)
   */
  readonly fromAddress?: string;
  /**
   * Seconds NetBox waits for the SMTP server.
   * @default 10
   */
  readonly timeoutSeconds?: number;
}

/**
 * A secret you supply (an SMTP password, a plugin's API key): declared by name, its value lives only
 * in the git-ignored `.env`.
 */
export interface UserSecret {
  /** Environment variable name, in `.env` and in the containers that get it (upper case, e.g. `DIODE_CLIENT_SECRET`). */
  readonly name: string;
  /**
   * The services that get it as an environment variable (compose) or a Swarm secret (stack).
   * @default - NetBox's web service and its worker ("netbox", "netbox-worker")
   */
  readonly services?: string[];
  /**
   * What it is and where to get it; written above its placeholder in `.env`.
   * @default - none
   */
  readonly description?: string;
}

/**
 * One NetBox plugin, installed from PyPI at an exact version into the NetBox image that the web
 * service and the worker share.
 */
export interface NetboxPluginOptions {
  /** PyPI package name, e.g. `netbox-plugin-dns`. */
  readonly package: string;

  /** Exact release (pinned with `==`), e.g. `1.4.7`. */
  readonly version: string;

  /**
   * The Python module NetBox loads (its name in `PLUGINS`), e.g. `netbox_dns`.
   * @default - the module of a well-known plugin; otherwise the package name with `-` and `.` as `_`
   */
  readonly module?: string;

  /**
   * The plugin's `PLUGINS_CONFIG` entry: JSON values only (strings, numbers, booleans, null, lists, objects).
   * Never put a secret here: use `secrets`.
   * @default - none
   */
  readonly config?: Record<string, any>;

  /**
   * Settings of the plugin's `PLUGINS_CONFIG` entry whose value is a secret you supply: setting name →
   * the name of a `userSecrets` entry (which must reach "netbox" and "netbox-worker"). `plugins.py`
   * reads the value from the environment (or the Swarm secret file) when NetBox starts; it is never written.
   * @default - none
   */
  readonly secrets?: Record<string, string>;

  /**
   * Extra shell commands the image build runs (as root, after the install, before static files
   * are collected), one `RUN` each. Well-known plugins that need one get it without this.
   * @default - none beyond the well-known plugin's own
   */
  readonly buildSteps?: string[];

  /**
   * You checked yourself that this version works with the NetBox of `netboxVersion`: the built-in
   * compatibility table (which ages) no longer refuses it.
   * @default false
   */
  readonly compatibilityChecked?: boolean;
}

/**
 * The Traefik release that reads the Swarm stack's labels; it decides the name of the network label.
 */
export enum SwarmTraefikVersion {
  /** Traefik v3.2.2 or later (`providers.swarm`): `traefik.swarm.network`. */
  V3_2_2_OR_LATER = 'v3.2.2-or-later',
  /** Traefik v2 in swarm mode, or v3 before 3.2.2: the older name `traefik.docker.network`. */
  BEFORE_V3_2_2 = 'before-v3.2.2',
}

/**
 * How the Docker Swarm stack (`stack.yaml`, emitted with `swarm: true`) runs on the cluster.
 */
export interface SwarmOptions {
  /**
   * Replicas of the NetBox web service.
   * @default 1
   */
  readonly netboxReplicas?: number;

  /**
   * Replicas of the NetBox worker (background jobs, housekeeping).
   * @default 1
   */
  readonly workerReplicas?: number;

  /**
   * Replicas of Pomerium. With more than one, Traefik keeps each user on one replica (sticky
   * cookie), because Pomerium's in-memory session store is per replica.
   * @default 1
   */
  readonly pomeriumReplicas?: number;

  /**
   * Node label (set to `true`) that marks the node keeping the data. Postgres, both Redis
   * services, and every service with a node-local volume are placed only there, so their
   * volumes never move: `docker node update --label-add <label>=true <node>`.
   * @default "netbox.data"
   */
  readonly dataNodeLabel?: string;

  /**
   * The Traefik release that reads the labels (Traefik 3.2.2 renamed `traefik.docker.network`
   * to `traefik.swarm.network`).
   * @default SwarmTraefikVersion.V3_2_2_OR_LATER
   */
  readonly traefikVersion?: SwarmTraefikVersion;

  /**
   * With `plugins`: the registry repository of the NetBox image with the plugins (no tag), e.g.
   * `registry.example.org/netops/netbox`. Swarm cannot build images: `npx projen push` builds and
   * pushes it, tagged with the NetBox tag and a digest of the plugin set, and the stack runs it.
   * @default - none; required with `plugins` and `swarm: true`
   */
  readonly pluginImageRepository?: string;
}

/**
 * Scheduled backups: when they run, how many sets stay, where a copy goes, who can read the secrets.
 */
export interface BackupOptions {
  /**
   * When the backup runs: a systemd calendar expression (`OnCalendar=`, see `man systemd.time`),
   * checked with `systemd-analyze calendar '<expression>'`.
   * @default "*-*-* 02:30:00"
   */
  readonly schedule?: string;

  /**
   * How many backup sets stay in `backups/`; after each successful backup the oldest beyond this
   * number are deleted.
   * @default 7
   */
  readonly keep?: number;

  /**
   * A shell command that copies a finished set off the host, run by bash with `BACKUP_SET` (the
   * set's absolute path) and `BACKUP_NAME` (its directory name) in the environment, e.g.
   * `rclone copy "$BACKUP_SET" offsite:netbox/"$BACKUP_NAME"`. A failure fails the backup.
   * @default - sets stay on this host only
   */
  readonly copyCommand?: string;

  /**
   * `age` recipients (`age1...` public keys or `ssh-ed25519`/`ssh-rsa` public keys) for whom `.env`
   * is encrypted into every set as `secrets.env.age`. Without recipients the secrets are not in the
   * sets at all, and `.env` must be kept safe separately.
   * @default - the secrets are not part of the sets
   */
  readonly recipients?: string[];
}

/**
 * The `break-glass` task: NetBox on the Docker host's loopback address, with a one-time local
 * superuser, for when the IdP or Pomerium is down.
 */
export interface BreakGlassOptions {
  /**
   * The port on 127.0.0.1 (never any other address) that break-glass publishes NetBox on.
   * @default 18080
   */
  readonly port?: number;

  /**
   * Minutes after which break-glass closes by itself when not given on the command line
   * (`npx projen break-glass -- --minutes <n>`), at most 480.
   * @default 30
   */
  readonly minutes?: number;
}

/**
 * How the Kubernetes manifests (`k8s/`, emitted with `kubernetes: true`) run on the cluster.
 */
export interface KubernetesOptions {
  /**
   * Namespace of every object; the kustomization creates it.
   * @default - the project name
   */
  readonly namespace?: string;

  /**
   * Namespace of the cluster's Traefik: the only namespace whose pods may reach Pomerium.
   * @default "traefik"
   */
  readonly traefikNamespace?: string;

  /**
   * Labels of the Traefik pods in `traefikNamespace` (the network policy admits only pods with all of them).
   * @default - { "app.kubernetes.io/name": "traefik" }
   */
  readonly traefikPodLabels?: Record<string, string>;

  /**
   * Storage class of the Postgres, Redis and (unless `readWriteManyStorageClass` is set) NetBox file volumes.
   * @default - the cluster's default storage class
   */
  readonly storageClass?: string;

  /**
   * A storage class that provides ReadWriteMany volumes (NFS, CephFS, ...). The NetBox media,
   * reports and scripts claims then use it, so NetBox web and worker pods may run on any node;
   * required for more than one NetBox web or worker replica.
   * @default - ReadWriteOnce claims: the worker runs on the node of the NetBox web pod
   */
  readonly readWriteManyStorageClass?: string;

  /**
   * Size of the Postgres volume.
   * @default "10Gi"
   */
  readonly postgresStorageSize?: string;

  /**
   * Size of each Redis/Valkey volume.
   * @default "1Gi"
   */
  readonly redisStorageSize?: string;

  /**
   * Size of the NetBox media volume.
   * @default "5Gi"
   */
  readonly mediaStorageSize?: string;

  /**
   * Size of each of the NetBox reports and scripts volumes.
   * @default "1Gi"
   */
  readonly scriptsStorageSize?: string;

  /**
   * Replicas of the NetBox web Deployment (more than one needs `readWriteManyStorageClass`).
   * @default 1
   */
  readonly netboxReplicas?: number;

  /**
   * Replicas of the NetBox worker Deployment (more than one needs `readWriteManyStorageClass`).
   * @default 1
   */
  readonly workerReplicas?: number;

  /**
   * Replicas of Pomerium. With more than one, Pomerium keeps its sessions in the Postgres
   * database (databroker storage) so that every replica knows every session.
   * @default 1
   */
  readonly pomeriumReplicas?: number;

  /**
   * With `plugins`: the registry repository of the NetBox image with the plugins (no tag), e.g.
   * `registry.example.org/netops/netbox`. The cluster pulls it; `npx projen push` builds and pushes it.
   * @default - none; required with `plugins` and `kubernetes: true`
   */
  readonly pluginImageRepository?: string;
}

/**
 * Options of a NetBox-behind-Pomerium deployment.
 */
export interface NetboxPomeriumProjectOptions extends typescript.TypeScriptProjectOptions {
  /**
   * Public host name of NetBox: the Traefik rule, the Pomerium route, NetBox's ALLOWED_HOSTS and
   * CSRF origins all derive from it.
   * @default "netbox.example.org"
   * @featured
   */
  readonly domain: string;

  /**
   * Host of Pomerium's authenticate service, where the IdP redirects to `https://<host>/oauth2/callback`.
   *
   * It must differ from every route's host: Pomerium answers `/` on this host itself. It needs a
   * DNS record pointing at Traefik, like `domain`.
   * @default - "authenticate." followed by `domain`
   */
  readonly authenticateHost?: string;

  /**
   * The identity provider users log in with.
   * @default IdpProvider.OIDC
   * @featured
   */
  readonly idpProvider?: IdpProvider;

  /**
   * The IdP's issuer URL (without `/.well-known/openid-configuration`).
   * @default - derived from `idpTenant` or the provider's fixed URL; a placeholder with a warning otherwise
   * @featured
   */
  readonly idpProviderUrl?: string;

  /**
   * The tenant the provider URL is built from.
   *
   * The Entra ID tenant id or verified domain (azure; never `common`/`organizations`), the org domain (okta), the tenant domain (auth0), the
   * subdomain (onelogin), the user-pool id `<region>_<id>` (cognito), the PingOne environment id
   * (ping, North America). Refused for providers without a tenant and next to `idpProviderUrl`.
   * @default - use `idpProviderUrl`
   */
  readonly idpTenant?: string;

  /**
   * The OAuth client id of the app registration. The client secret is never declared here: it goes
   * into the git-ignored `.env` as `IDP_CLIENT_SECRET`.
   * @default - a placeholder, with a warning at every synthesis
   * @featured
   */
  readonly idpClientId?: string;

  /**
   * Allow users whose e-mail domain is one of these (any `allowed*` match is enough).
   * @default - none
   * @featured
   */
  readonly allowedDomains?: string[];

  /**
   * Allow these users by e-mail address.
   * @default - none
   * @featured
   */
  readonly allowedEmails?: string[];

  /**
   * Allow members of these IdP groups (Entra ID: group object ids).
   * @default - none
   * @featured
   */
  readonly allowedGroups?: string[];

  /**
   * A full Pomerium policy, added to the rules the `allowed*` options build.
   * @default - only the `allowed*` options; with none of them nobody is allowed
   */
  readonly policy?: Policy;

  /**
   * NetBox users (their e-mail exactly as the IdP sends it: the user name NetBox sees) who become
   * superusers at login. Turns on NetBox group sync: at each login NetBox then replaces a user's
   * groups with the IdP's groups (`groups` claim, comma-separated) and syncs e-mail and names.
   * @default - none
   */
  readonly superusers?: string[];

  /**
   * IdP groups whose members become NetBox superusers at login (Entra ID: group object ids). Turns
   * on NetBox group sync, like `superusers`.
   * @default - none
   */
  readonly superuserGroups?: string[];

  /**
   * NetBox groups new users join (ignored by NetBox when group sync is on).
   * @default - none
   */
  readonly defaultGroups?: string[];

  /**
   * External Docker network Traefik watches (only Pomerium joins it).
   * @default "traefik-proxy"
   */
  readonly traefikNetwork?: string;

  /**
   * Traefik certificate resolver for the router's TLS.
   * @default "le"
   */
  readonly traefikCertResolver?: string;

  /**
   * Traefik entrypoint the router listens on.
   * @default "websecure"
   */
  readonly traefikEntrypoint?: string;

  /**
   * The netbox-docker image tag (`vX.Y-a.b.c`); it selects the whole compose layout of that release.
   * @default "v4.7-5.1.1"
   * @featured
   */
  readonly netboxVersion?: string;

  /**
   * Extra NetBox environment variables (not secrets: they are committed in `env/netbox.env`).
   * @default - none
   */
  readonly netboxEnvironment?: Record<string, string>;

  /**
   * Keep NetBox air-gapped: no egress network, and NetBox is told so (`ISOLATED_DEPLOYMENT`, census
   * reporting off, no release check) where the release knows these settings.
   * @default false
   */
  readonly isolated?: boolean;

  /**
   * HTTP(S) proxy NetBox and its worker send outbound requests through (webhooks, Git/S3 data
   * sources, plugins): `HTTP_PROXY`/`HTTPS_PROXY`, with `NO_PROXY` covering every service of the
   * stack. Without credentials; see `outboundProxyCredentials`.
   * @default - no proxy: NetBox connects directly through its egress network
   */
  readonly outboundProxy?: string;

  /**
   * The proxy needs credentials: the full URL (`http://user:password@host:port`) is then a secret,
   * `OUTBOUND_PROXY_URL` in the git-ignored `.env`, and `outboundProxy` documents host and port.
   * @default false
   */
  readonly outboundProxyCredentials?: boolean;

  /**
   * Pomerium sends its own outbound requests (to the IdP) through `outboundProxy` too, for networks
   * where every outbound connection must use the proxy.
   * @default false
   */
  readonly outboundProxyForPomerium?: boolean;

  /**
   * A PEM file (path relative to the deployment) with the private CA that signed the IdP's certificate, for Pomerium.
   *
   * Mounted into Pomerium as `certificate_authority_file`, which adds to the system's trust store.
   * Commit the file: a CA certificate is not a secret.
   * @default - the system's trust store only
   */
  readonly idpCertificateAuthorityFile?: string;

  /**
   * The SMTP server NetBox sends mail through.
   * @default - no mail, unless `emailServer` is set
   */
  readonly email?: EmailOptions;

  /**
   * Shorthand for `email.server` (the `--email-server` flag).
   * @default - `email.server`
   */
  readonly emailServer?: string;

  /**
   * Shorthand for `email.fromAddress` (the `--email-from` flag).
   * @default - `email.fromAddress`
   */
  readonly emailFrom?: string;

  /**
   * Shorthand for `email.username` (the `--email-username` flag).
   * @default - `email.username`
   */
  readonly emailUsername?: string;

  /**
   * Shorthand for `email.port` (the `--email-port` flag).
   * @default - `email.port`
   */
  readonly emailPort?: number;

  /**
   * Secrets you supply, each a placeholder in the git-ignored `.env` that reaches only the services
   * named. Compose refuses to start while one is empty.
   * @default - none (EMAIL_PASSWORD and OUTBOUND_PROXY_URL are added for you when needed)
   */
  readonly userSecrets?: UserSecret[];

  /**
   * NetBox's time zone (`TIME_ZONE`), an IANA name such as "Europe/Berlin".
   * @default "UTC"
   */
  readonly timeZone?: string;

  /**
   * NetBox plugins, built into one image that NetBox's web service and worker share
   * (`netbox-plugins/`: a Dockerfile from the exact netbox-docker tag, pinned requirements,
   * `plugins.py`). A well-known plugin's version is checked against the NetBox release.
   * @default - none: the stock netbox-docker image
   */
  readonly plugins?: NetboxPluginOptions[];

  /**
   * More web applications behind the same Pomerium.
   * @default - none
   */
  readonly apps?: ProtectedAppOptions[];

  /**
   * The port Pomerium listens on inside its container (Traefik's load-balancer port).
   * @default 8080
   */
  readonly pomeriumPort?: number;

  /**
   * Pinned Pomerium image.
   * @default "pomerium/pomerium:v0.33.1"
   */
  readonly pomeriumImage?: string;

  /**
   * How API clients (pynetbox, Ansible, Terraform, curl) reach NetBox. With `ApiAccess.TOKEN`,
   * `/api/` and `/graphql/` on `domain` need no Pomerium login: NetBox authenticates them with its
   * API tokens, no identity header reaches NetBox there, and `/api/users/tokens/provision/` is refused.
   * @default ApiAccess.LOGIN
   */
  readonly apiAccess?: ApiAccess;

  /**
   * With `apiAccess: ApiAccess.TOKEN`: only these client addresses (IP addresses or CIDR ranges) get
   * token access; others need the Pomerium login as before. Traefik must see the real client address
   * (see the runbook's "Automation" section).
   * @default - every address
   */
  readonly apiSourceRanges?: string[];

  /**
   * Overrides merged into the generated compose file, by dot path (e.g.
   * `{ "services.netbox.environment.TZ": "Europe/Berlin" }`). A path segment that contains a dot
   * is escaped as `\.`. The isolation checks run on the merged result.
   * @default - none
   */
  readonly composeOverrides?: Record<string, any>;

  /**
   * DANGEROUS: allow declarations that let clients reach NetBox without passing Pomerium (a
   * published port, a Traefik label, the proxy network). NetBox trusts the identity header, so
   * anyone who reaches it directly can log in as anyone. Only for isolated test setups.
   * @default false
   */
  readonly dangerouslyAllowNetboxBypassingPomerium?: boolean;

  /**
   * Allow a change of the Postgres major version or data path on a deployment whose compose file
   * already names another one. The data must be dumped and restored (`npx projen backup` before,
   * `npx projen restore` after).
   * @default false
   */
  readonly allowPostgresUpgrade?: boolean;

  /**
   * Also emit a Docker Swarm stack file (`stack.yaml`) from the same model, and the tasks
   * `stack-deploy` (creates the Swarm secrets from `.env`, then `docker stack deploy`) and `stack-rm`.
   * @default false
   */
  readonly swarm?: boolean;

  /**
   * Replicas, data-node placement and Traefik label names of the Swarm stack (with `swarm: true`).
   * @default - one replica each; data services on the node labelled `netbox.data=true`; Traefik >= 3.2.2 label names
   */
  readonly swarmOptions?: SwarmOptions;

  /**
   * Scheduled backups with retention: emits systemd units for the host (`systemd/`) that run
   * `npx projen backup`'s script on a calendar, keeps the newest `keep` sets, optionally copies each
   * set off the host and encrypts `.env` into it.
   * @default - no schedule and no retention: `npx projen backup` by hand keeps every set
   */
  readonly backups?: BackupOptions;

  /**
   * Port and duration of the `break-glass` task (NetBox on 127.0.0.1 with a one-time local superuser).
   * @default - port 18080, closes after 30 minutes
   */
  readonly breakGlass?: BreakGlassOptions;

  /**
   * What `npx projen adopt -- <old compose file>` took over from an existing NetBox deployment: its
   * Compose project name and volumes, Postgres image and data path, and user-name claim. Written by
   * the adopt task; keep it, or the next `npx projen` would point the stack at new, empty volumes.
   * @default - a new deployment with its own project name and volumes
   */
  readonly adoption?: AdoptionOptions;

  /**
   * Also emit a kustomize directory `k8s/` of Kubernetes manifests from the same model, and the tasks `k8s-apply` and `k8s-diff`.
   *
   * NetBox, Postgres, Redis, Pomerium, a Traefik IngressRoute and network policies; the secrets
   * come from the git-ignored, write-once `k8s/secrets.env`.
   * @default false
   */
  readonly kubernetes?: boolean;

  /**
   * Namespace, Traefik selector, storage and replicas of the Kubernetes manifests (with `kubernetes: true`).
   * @default - namespace named after the project; Traefik in "traefik"; default storage class; one replica each
   */
  readonly kubernetesOptions?: KubernetesOptions;
}
