import type { StackModel, TraefikModel } from '../model/deployment-model';
import { SECRETS_FILE } from '../model/stack-names';
import { SECRET_NAMES } from '../secrets/secret-specs';

/**
 * What `npx projen doctor` checks the live host against: a projection of the same model every
 * other file is rendered from, written to `.projen/doctor.json` at each synthesis. The doctor
 * reads only this file, so it holds no second copy of a host, URL or name.
 */
export interface DoctorFacts {
  /** Bumped when a field changes meaning; the doctor refuses a file it does not understand. */
  readonly formatVersion: number;
  readonly projectName: string;
  /** `docker compose -p <project> -f compose.yaml`, split into argv: what every compose task runs. */
  readonly composeArgv: readonly string[];
  /** Host names that must resolve to Traefik: NetBox's, the authenticate host, each app's. */
  readonly hosts: readonly DoctorHost[];
  readonly callbackUrl: string;
  readonly idp: DoctorIdpFacts;
  readonly traefik: DoctorTraefikFacts;
  readonly secretsFile: string;
  /** Every name `.env` must set: the generated secrets and the IdP client secret. */
  readonly requiredSecrets: readonly string[];
  /** The compose file's services, in its order. */
  readonly services: readonly string[];
}

export interface DoctorHost {
  /** What the host serves, for the printed line ("NetBox", "authenticate", "app grafana"). */
  readonly role: string;
  readonly host: string;
}

export interface DoctorIdpFacts {
  readonly provider: string;
  /** The issuer Pomerium is configured with; absent when Pomerium uses the provider's built-in URL. */
  readonly providerUrl?: string;
  readonly clientId: string;
  /** Option names still holding a placeholder (idpProviderUrl, idpClientId). */
  readonly placeholders: readonly string[];
}

/** The Traefik facts are the model's own (network, entrypoint, certificate resolver). */
export type DoctorTraefikFacts = TraefikModel;

export const DOCTOR_FACTS_FORMAT = 1;

/** Values the model falls back to when an option is unset; a deployment must not start with them. */
export interface DoctorPlaceholders {
  readonly idpProviderUrl: string;
  readonly idpClientId: string;
}

/**
 * The facts of one deployment. `services` comes from the rendered compose object (overrides
 * included), `composeArgv` from the command the compose tasks run.
 */
export function renderDoctorFacts(model: StackModel, compose: Record<string, any>, composeCommand: string,
  placeholders: DoctorPlaceholders): DoctorFacts {
  const placeholderOptions: string[] = [];
  if (model.idp.providerUrl === placeholders.idpProviderUrl) placeholderOptions.push('idpProviderUrl');
  if (model.idp.clientId === placeholders.idpClientId) placeholderOptions.push('idpClientId');
  return {
    formatVersion: DOCTOR_FACTS_FORMAT,
    projectName: model.projectName,
    composeArgv: composeCommand.split(' '),
    hosts: [
      { role: 'NetBox', host: model.domain },
      { role: 'authenticate', host: model.authenticateHost },
      ...model.apps.map((a) => ({ role: `app ${a.name}`, host: a.host })),
    ],
    callbackUrl: model.callbackUrl,
    idp: {
      provider: model.idp.provider,
      ...(model.idp.providerUrl !== undefined ? { providerUrl: model.idp.providerUrl } : {}),
      clientId: model.idp.clientId,
      placeholders: placeholderOptions,
    },
    traefik: { ...model.traefik },
    secretsFile: SECRETS_FILE,
    requiredSecrets: [...model.secrets.map((s) => s.envName), SECRET_NAMES.idpClientSecret],
    services: Object.keys(compose.services ?? {}),
  };
}

