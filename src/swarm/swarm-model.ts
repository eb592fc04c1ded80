import { DeclarationProblems } from '../model/problems';
import { NetboxPomeriumProjectOptions, SwarmTraefikVersion } from '../netbox-pomerium-options';
import { TraefikProvider } from '../traefik/traefik-provider';

/** The Swarm settings of the model: validated, with defaults applied. */
export interface SwarmModel {
  /** Replicas by service name, for the services that may scale. */
  readonly replicas: Readonly<Record<string, number>>;
  /** Node label (value `true`) of the node that keeps the data volumes. */
  readonly dataNodeLabel: string;
  /** The placement constraint derived from `dataNodeLabel`. */
  readonly dataNodeConstraint: string;
  /** Which label names Traefik reads (`traefik.swarm.*` or the older `traefik.docker.*`). */
  readonly traefikProvider: TraefikProvider;
}

export const SWARM_DEFAULTS = {
  replicas: 1,
  dataNodeLabel: 'netbox.data',
  traefikVersion: SwarmTraefikVersion.V3_2_2_OR_LATER,
} as const;

/** Docker label keys: dot/dash/underscore-separated words; no spaces, `=` or quotes that would break the constraint. */
const LABEL_RE = /^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$/;

const PROVIDER_OF: Record<SwarmTraefikVersion, TraefikProvider> = {
  [SwarmTraefikVersion.V3_2_2_OR_LATER]: TraefikProvider.SWARM,
  [SwarmTraefikVersion.BEFORE_V3_2_2]: TraefikProvider.DOCKER,
};

/**
 * Validates `swarmOptions` (always, so a typo is reported even before `swarm` is turned on) and
 * applies the defaults. `scalable` maps each option name to the service it scales.
 */
export function buildSwarmModel(
  p: DeclarationProblems,
  options: NetboxPomeriumProjectOptions,
  scalable: { netbox: string; worker: string; pomerium: string },
  warnings: string[],
): SwarmModel {
  const o = options.swarmOptions ?? {};
  if (options.swarmOptions !== undefined && !options.swarm) {
    warnings.push('swarmOptions has no effect while swarm is off. Set swarm: true to emit stack.yaml.');
  }

  const replicas: Record<string, number> = {};
  const byOption: Array<[string, string, number | undefined]> = [
    ['netboxReplicas', scalable.netbox, o.netboxReplicas],
    ['workerReplicas', scalable.worker, o.workerReplicas],
    ['pomeriumReplicas', scalable.pomerium, o.pomeriumReplicas],
  ];
  for (const [name, service, value] of byOption) {
    const count = value ?? SWARM_DEFAULTS.replicas;
    if (!Number.isInteger(count) || count < 1) {
      p.add(`swarmOptions.${name}`, 'is not a replica count', value,
        'Use a whole number of 1 or more; the stack needs every service running (leave it out for 1).');
    }
    replicas[service] = count;
  }

  const dataNodeLabel = o.dataNodeLabel ?? SWARM_DEFAULTS.dataNodeLabel;
  if (typeof dataNodeLabel !== 'string' || !LABEL_RE.test(dataNodeLabel)) {
    p.add('swarmOptions.dataNodeLabel', 'is not a Docker node label key', dataNodeLabel,
      'Use letters and digits separated by ".", "-" or "_", e.g. "netbox.data"; the value is always "true".');
  }

  const version = o.traefikVersion ?? SWARM_DEFAULTS.traefikVersion;
  const traefikProvider = PROVIDER_OF[version];
  if (traefikProvider === undefined) {
    p.add('swarmOptions.traefikVersion', 'is not a known Traefik version switch', version,
      `Use one of: ${Object.values(SwarmTraefikVersion).map((v) => `"${v}"`).join(', ')} (SwarmTraefikVersion).`);
  }

  if (options.swarm && (replicas[scalable.pomerium] ?? 1) > 1) {
    warnings.push(`swarmOptions.pomeriumReplicas is ${replicas[scalable.pomerium]}: each Pomerium replica keeps its sessions in memory, `
      + 'so Traefik pins every user to one replica with a sticky cookie, and users whose replica restarts log in again. '
      + 'Pomerium recommends a shared databroker (databroker_storage_type: postgres) for several replicas.');
  }

  return {
    replicas,
    dataNodeLabel,
    dataNodeConstraint: `node.labels.${dataNodeLabel} == true`,
    traefikProvider: traefikProvider ?? TraefikProvider.SWARM,
  };
}
