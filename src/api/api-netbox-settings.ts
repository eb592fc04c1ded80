import { ApiModel } from './api-access';
import { ApiAccess } from './api-access-mode';
import { NetboxRelease, netboxAtLeast } from '../netbox/netbox-releases';

/**
 * NetBox settings token access needs, all read from the environment by every supported
 * netbox-docker release (configuration.py since 1.x):
 * - LOGIN_REQUIRED: anonymous API calls now reach NetBox, and netbox-docker before 3.0.0 defaults
 *   it to False (read access for anyone). NetBox reads it until 5.0, where it is gone.
 * - LOGIN_TIMEOUT: a NetBox session reaches `/api/` without Pomerium, so it ends with Pomerium's
 *   cookie (same model value), not after netbox-docker's 14 days.
 */
export function apiNetboxSettings(api: ApiModel, release: NetboxRelease): Array<[string, string | boolean]> {
  if (api.access !== ApiAccess.TOKEN) return [];
  const settings: Array<[string, string | boolean]> = [];
  if (!netboxAtLeast(release, 5, 0)) settings.push(['LOGIN_REQUIRED', true]);
  settings.push(['LOGIN_TIMEOUT', String(api.sessionLifetimeSeconds)]);
  return settings;
}
