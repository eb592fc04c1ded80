import { DEFAULTS } from '../model/defaults';
import type { TraefikModel } from '../model/deployment-model';
import type { DeclarationProblems } from '../model/problems';
import { checkNetworkName, checkTraefikName } from '../model/validators';
import type { NetboxPomeriumProjectOptions } from '../netbox-pomerium-options';

/** The Traefik instance in front of Pomerium: its network, certificate resolver and entrypoint. */
export function resolveTraefik(p: DeclarationProblems, options: NetboxPomeriumProjectOptions): TraefikModel {
  const traefik = {
    network: options.traefikNetwork ?? DEFAULTS.traefikNetwork,
    certResolver: options.traefikCertResolver ?? DEFAULTS.traefikCertResolver,
    entrypoint: options.traefikEntrypoint ?? DEFAULTS.traefikEntrypoint,
  };
  checkNetworkName(p, 'traefikNetwork', traefik.network);
  checkTraefikName(p, 'traefikCertResolver', traefik.certResolver);
  checkTraefikName(p, 'traefikEntrypoint', traefik.entrypoint);
  return traefik;
}
