import type { AppModel, RouteModel } from '../model/deployment-model';
import type { DeclarationProblems } from '../model/problems';
import { checkEnvName, checkEnvValue, checkHost, checkPinnedImage, checkPort, checkServiceName } from '../model/validators';
import type { NetboxPomeriumProjectOptions } from '../netbox-pomerium-options';
import { resolvePolicy } from '../pomerium/pomerium-resolve';
import { checkNotSecret } from '../secrets/user-secrets';

/**
 * The other apps Pomerium protects, each with its own route: the app's own policy, or NetBox's
 * (`basePolicy`) when it has none.
 */
export function resolveApps(p: DeclarationProblems, options: NetboxPomeriumProjectOptions, routerBase: string,
  basePolicy: readonly unknown[], warnings: string[]): { apps: AppModel[]; routes: RouteModel[] } {
  const apps: AppModel[] = [];
  const routes: RouteModel[] = [];
  (options.apps ?? []).forEach((app, i) => {
    const path = `apps[${i}]`;
    checkServiceName(p, `${path}.name`, app.name);
    checkPinnedImage(p, `${path}.image`, app.image);
    checkPort(p, `${path}.port`, app.port);
    checkHost(p, `${path}.host`, app.host);
    for (const [name, value] of Object.entries(app.environment ?? {})) {
      checkEnvName(p, `${path}.environment.${name}`, name);
      checkEnvValue(p, `${path}.environment.${name}`, value);
      checkNotSecret(p, `${path}.environment.${name}`, name, JSON.stringify(app.name));
    }
    apps.push({
      name: app.name,
      image: app.image,
      port: app.port,
      host: app.host,
      network: `${app.name}-internal`,
      environment: app.environment ?? {},
    });
    routes.push({
      routerName: `${routerBase}-${app.name}`,
      host: app.host,
      from: `https://${app.host}`,
      to: `http://${app.name}:${app.port}`,
      passIdentityHeaders: app.passIdentityHeaders ?? true,
      policy: app.policy ? resolvePolicy(p, app.policy, `${path}.policy`, warnings) : basePolicy,
    });
  });
  return { apps, routes };
}
