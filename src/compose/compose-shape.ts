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
