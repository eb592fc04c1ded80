/**
 * Compose allows labels and environment as a map or as a list of `KEY=value` strings: the map,
 * always (a copy; anything else is empty).
 */
export function keyValueMap(value: unknown): Record<string, string> {
  if (Array.isArray(value)) {
    return Object.fromEntries(value.map((entry) => {
      const [key, ...rest] = String(entry).split('=');
      return [key, rest.join('=')];
    }));
  }
  return typeof value === 'object' && value !== null ? { ...(value as Record<string, string>) } : {};
}

/**
 * The networks a compose service joins: none with `network_mode`, Compose's `default` without
 * `networks`, else the list's or the map's names.
 */
export function networksOf(svc: any): string[] {
  if (svc?.network_mode !== undefined) return [];
  if (svc?.networks === undefined || svc.networks === null) return ['default'];
  return Array.isArray(svc.networks) ? svc.networks.map(String) : Object.keys(svc.networks);
}
