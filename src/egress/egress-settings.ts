import type { StackModel } from '../model/deployment-model';
import { netboxFeatures } from '../netbox/netbox-releases';

/** One NetBox setting from the egress declaration; `fromEnv` false means the extra Python file. */
export interface EgressSetting {
  readonly name: string;
  readonly value: string | boolean;
  readonly fromEnv: boolean;
}

/**
 * NetBox's settings for reaching outside: isolation, e-mail, the proxy and the time zone. A setting
 * the release's NetBox does not know is left out; one its netbox-docker does not read from the
 * environment goes to the extra configuration file (operations-facts §2.1, §2.2).
 */
export function egressSettings(model: StackModel): EgressSetting[] {
  const { release } = model.netbox;
  const features = netboxFeatures(release);
  const { egress } = model;
  const out: EgressSetting[] = [];
  const add = (name: string, value: string | boolean, fromEnv = true) => out.push({ name, value, fromEnv });

  if (egress.isolated) {
    if (features.isolatedDeployment) add('ISOLATED_DEPLOYMENT', true, release.isolatedDeploymentEnv);
    if (features.census) add('CENSUS_REPORTING_ENABLED', false, release.censusEnv);
    // The release check stays off: RELEASE_CHECK_URL is never set (netbox-docker's default is None).
  }
  if (egress.timeZone !== undefined) add('TIME_ZONE', egress.timeZone);
  const email = egress.email;
  if (email) {
    add('EMAIL_SERVER', email.server);
    add('EMAIL_PORT', String(email.port));
    add('EMAIL_USE_TLS', email.useTls);
    add('EMAIL_USE_SSL', email.useSsl);
    if (email.username !== undefined) add('EMAIL_USERNAME', email.username);
    add('EMAIL_FROM', email.fromAddress);
    add('EMAIL_TIMEOUT', String(email.timeoutSeconds));
  }
  return out;
}

/**
 * The proxy variables NetBox's processes get. Plain process environment on every release (Python's
 * requests honours it); netbox-docker >= 3.0.2 also maps HTTP(S)_PROXY to NetBox's HTTP_PROXIES.
 * With credentials the URL comes from `.env` instead (see the compose file).
 */
export function proxyEnvironment(model: StackModel): Record<string, string> {
  const proxy = model.egress.proxy;
  if (!proxy) return {};
  return {
    ...(proxy.credentialsSecret ? {} : { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url }),
    NO_PROXY: proxy.noProxy.join(','),
  };
}
