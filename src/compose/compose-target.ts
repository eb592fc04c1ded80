import { envLines, renderPostgresEnv } from './render-compose';
import { checkIsolation, checkUserSecretNames } from '../checks/isolation';
import { composeTasks } from '../deployment/deployment-tasks';
import { FILES, SERVICES } from '../model/stack-names';
import { netboxSettings, renderNetboxExtraConfig } from '../netbox/netbox-settings';
import { pluginFiles } from '../plugins/plugin-files';
import { pluginsRunbookSection } from '../plugins/plugins-runbook';
import { renderPomeriumConfig } from '../pomerium/pomerium-config';
import { checkUnderscoreHeaders } from '../pomerium/pomerium-version';
import type { DeploymentTarget } from '../targets/deployment-target';

/**
 * Docker Compose on one host: compose.yaml with the files it mounts and reads (Pomerium's config,
 * the env files, NetBox's extra configuration), and the day-to-day `docker compose` tasks. Always on.
 */
export const composeTarget: DeploymentTarget = {
  id: 'compose',
  plan(model, shared, p) {
    checkIsolation(p, model, shared.compose);
    checkUserSecretNames(p, model);
    checkUnderscoreHeaders(p, SERVICES.pomerium, shared.compose.services?.[SERVICES.pomerium]?.environment);
    const netbox = netboxSettings(model);
    return {
      files: [
        { path: FILES.compose, format: 'yaml', content: shared.compose },
        { path: FILES.pomeriumConfig, format: 'yaml', content: renderPomeriumConfig(model) },
        { path: FILES.netboxEnv, format: 'commented-text', content: envLines(netbox.env) },
        { path: FILES.postgresEnv, format: 'commented-text', content: envLines(renderPostgresEnv()) },
        { path: FILES.netboxExtraConfig, format: 'commented-text', content: renderNetboxExtraConfig(model) },
        ...pluginFiles(model),
        ...model.apps.map((app) => ({
          path: FILES.appEnv(app.name),
          format: 'commented-text' as const,
          content: Object.keys(app.environment).length > 0 ? envLines(app.environment) : undefined,
        })),
      ],
      tasks: composeTasks(model),
      runbook: pluginsRunbookSection(model),
    };
  },
};
