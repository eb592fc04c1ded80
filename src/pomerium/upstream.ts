import type { RouteModel } from '../model/deployment-model';

/**
 * A route's upstream with its host named by `upstreamHost` (Compose: the service name itself;
 * Kubernetes: the Service's cluster DNS name). Only the host changes; scheme and port stay.
 */
export function upstreamUrl(route: RouteModel, upstreamHost: (service: string) => string): string {
  return route.to.replace(/^([a-z]+:\/\/)([^:/]+)/, (_m, scheme: string, host: string) => `${scheme}${upstreamHost(host)}`);
}
