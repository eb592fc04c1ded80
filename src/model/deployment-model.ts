import type { AdoptionModel } from '../adopt/adoption-model';
import type { ApiModel } from '../api/api-access';
import type { BackupModel } from '../backup/backup-model';
import type { UserLifecycleModel } from '../identity/user-lifecycle';
import type { NetboxRelease } from '../netbox/netbox-releases';
import type { IdpProvider } from '../pomerium/idp-provider';
import type { SecretSpec } from '../secrets/secret-specs';
import type { SwarmModel } from '../swarm/swarm-model';

/*
 * The deployment as plain, validated data: types only. The resolvers of each domain produce its
 * parts (stack-model.ts assembles them), every renderer reads them.
 */

/** A Pomerium route and the Traefik router in front of it. */
export interface RouteModel {
  /** Traefik router / service name. */
  readonly routerName: string;
  readonly host: string;
  readonly from: string;
  readonly to: string;
  readonly passIdentityHeaders: boolean;
  /** Rendered PPL. */
  readonly policy: readonly unknown[];
}

export interface AppModel {
  readonly name: string;
  readonly image: string;
  readonly port: number;
  readonly host: string;
  readonly network: string;
  readonly environment: Readonly<Record<string, string>>;
}

/** How the user's identity travels from Pomerium to NetBox. */
export interface IdentityModel {
  /** claim name → header name Pomerium sets (`jwt_claims_headers`, map form). */
  readonly claimHeaders: Readonly<Record<string, string>>;
  /** Header carrying the NetBox user name, and its Django META key. */
  readonly userHeader: string;
  readonly userMetaKey: string;
  /** Set when group sync is on. */
  readonly groupHeader?: string;
  readonly groupMetaKey?: string;
  /** META keys of the given/family name headers; set where NetBox reads them (3.4.9+). */
  readonly firstNameMetaKey?: string;
  readonly lastNameMetaKey?: string;
}

export interface NetboxModel {
  readonly release: NetboxRelease;
  readonly groupSync: boolean;
  readonly superusers: readonly string[];
  readonly superuserGroups: readonly string[];
  readonly defaultGroups: readonly string[];
  readonly extraEnvironment: Readonly<Record<string, string>>;
  readonly logoutRedirectUrl: string;
}

export interface TraefikModel {
  readonly network: string;
  readonly certResolver: string;
  readonly entrypoint: string;
}

export interface PomeriumModel {
  readonly image: string;
  readonly port: number;
}

/** How the Kubernetes manifests run (validated even while `kubernetes` is off). */
export interface KubernetesModel {
  readonly enabled: boolean;
  readonly namespace: string;
  readonly traefikNamespace: string;
  readonly traefikPodLabels: Readonly<Record<string, string>>;
  /** undefined: the cluster's default storage class. */
  readonly storageClass?: string;
  /** Set: the NetBox file claims are ReadWriteMany of this class. */
  readonly readWriteManyStorageClass?: string;
  readonly sizes: { readonly postgres: string; readonly redis: string; readonly media: string; readonly scripts: string };
  readonly replicas: { readonly netbox: number; readonly worker: number; readonly pomerium: number };
  /** Pomerium keeps its sessions in Postgres (databroker storage), for more than one replica. */
  readonly sharedSessions: boolean;
}

/** How NetBox reaches outside the stack (or, isolated, that it cannot). */
export interface EgressModel {
  readonly isolated: boolean;
  /** The egress network NetBox's web service and worker join; undefined when isolated. */
  readonly network?: string;
  /** Services on the egress network. */
  readonly members: readonly string[];
  readonly proxy?: ProxyModel;
  /** Pomerium's `certificate_authority_file`: the deployment-relative file and where it is mounted. */
  readonly idpCa?: { readonly file: string; readonly mount: string };
  readonly email?: EmailModel;
  readonly timeZone?: string;
}

export interface ProxyModel {
  /** The declared proxy URL (no credentials). */
  readonly url: string;
  /** The user secret holding the URL with credentials; then HTTP(S)_PROXY come from `.env`. */
  readonly credentialsSecret?: string;
  readonly noProxy: readonly string[];
  readonly forPomerium: boolean;
}

export interface EmailModel {
  readonly server: string;
  readonly port: number;
  readonly useTls: boolean;
  readonly useSsl: boolean;
  readonly username?: string;
  readonly fromAddress: string;
  readonly timeoutSeconds: number;
}

/** A secret the user supplies in `.env`; the variables it sets in each service it reaches. */
export interface UserSecretModel {
  /** Name in `.env`. */
  readonly name: string;
  /** Container environment variables it fills (usually just `name`). */
  readonly variables: readonly string[];
  readonly services: readonly string[];
  readonly description: string;
  /** Where the user declared it (`userSecrets[i]`); undefined for the ones the declaration implies. */
  readonly optionPath?: string;
}

/** One NetBox plugin of the image, with the well-known plugin's extras applied. */
export interface PluginModel {
  /** PyPI name, as declared. */
  readonly package: string;
  readonly version: string;
  /** Its name in `PLUGINS`. */
  readonly module: string;
  /** Its `PLUGINS_CONFIG` entry (JSON values). */
  readonly config: Readonly<Record<string, unknown>>;
  /** `PLUGINS_CONFIG` setting → the user secret that fills it when NetBox starts. */
  readonly secrets: Readonly<Record<string, string>>;
  /** Shell commands run by the image build after the install (the well-known plugin's first). */
  readonly buildSteps: readonly string[];
  /** Python lines the configuration needs outside `PLUGINS_CONFIG` (the well-known plugin's). */
  readonly settings: readonly string[];
  /** The entry says `compatibilityChecked`: the user, not the table, vouches for the pin. */
  readonly checkedByUser: boolean;
}

/** The NetBox image with plugins: what goes into it and where the cluster targets pull it from. */
export interface PluginsModel {
  readonly plugins: readonly PluginModel[];
  /** Registry repository the Swarm stack runs the image from (`swarmOptions.pluginImageRepository`). */
  readonly swarmRepository?: string;
  /** Registry repository the Kubernetes manifests pull the image from. */
  readonly kubernetesRepository?: string;
}

/** The whole deployment as plain, validated data. Every generated file is rendered from it. */
export interface StackModel {
  readonly projectName: string;
  readonly domain: string;
  readonly publicUrl: string;
  readonly authenticateHost: string;
  readonly authenticateUrl: string;
  readonly callbackUrl: string;
  readonly idp: {
    readonly provider: IdpProvider;
    readonly providerUrl?: string;
    readonly clientId: string;
  };
  readonly traefik: TraefikModel;
  readonly pomerium: PomeriumModel;
  readonly identity: IdentityModel;
  readonly netbox: NetboxModel;
  /** How API clients reach NetBox (apiAccess, apiSourceRanges). */
  readonly api: ApiModel;
  readonly routes: readonly RouteModel[];
  readonly apps: readonly AppModel[];
  readonly secrets: readonly SecretSpec[];
  readonly egress: EgressModel;
  /** Secrets the user supplies (declared ones, EMAIL_PASSWORD, the proxy URL with credentials). */
  readonly userSecrets: readonly UserSecretModel[];
  readonly swarm: boolean;
  /** How the Swarm stack runs (validated even while `swarm` is off). */
  readonly swarmSettings: SwarmModel;
  /** The Kubernetes target's settings (`enabled` with `kubernetes: true`). */
  readonly kubernetes: KubernetesModel;
  readonly composeOverrides: Readonly<Record<string, unknown>>;
  readonly allowBypass: boolean;
  readonly allowPostgresUpgrade: boolean;
  /** Backup schedule, retention, copy and encryption (`backups`). */
  readonly backups: BackupModel;
  /** The users, offboard and break-glass tasks. */
  readonly lifecycle: UserLifecycleModel;
  /** The NetBox plugins and their image; undefined without plugins (the stock image). */
  readonly plugins?: PluginsModel;
  /** What `npx projen adopt` took over from an old deployment (project name, volumes, Postgres, claim). */
  readonly adoption?: AdoptionModel;
  /** Printed at every synthesis. */
  readonly warnings: readonly string[];
}
