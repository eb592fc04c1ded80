/** Which Traefik provider reads the labels. */
export enum TraefikProvider {
  /** `providers.docker`: container labels, `traefik.docker.network`. */
  DOCKER = 'docker',
  /** `providers.swarm` (Traefik >= 3.2.2): `deploy.labels`, `traefik.swarm.network`. */
  SWARM = 'swarm',
}
