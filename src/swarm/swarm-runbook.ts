import { ComposeObject } from '../compose/render-compose';
import type { StackModel } from '../model/deployment-model';
import { FILES, SERVICES } from '../model/stack-names';
import { SECRET_NAMES } from '../secrets/secret-specs';
import { TraefikProvider } from '../traefik/traefik-provider';

/**
 * The Docker Swarm section of the deployment's runbook (markdown lines), for a deployment with
 * `swarm` on. Every name in it (stack, node label, networks, pinned services, replicas) is read from
 * the model and the rendered stack.
 */
export function swarmRunbookSection(model: StackModel, stack: ComposeObject): string[] {
  const settings = model.swarmSettings;
  const services = Object.entries<any>(stack.services);
  const pinned = services.filter(([, s]) => s.deploy?.placement?.constraints?.includes(settings.dataNodeConstraint)).map(([n]) => n);
  const label = `${settings.dataNodeLabel}=true`;
  const network = model.traefik.network;
  const labelPrefix = settings.traefikProvider === TraefikProvider.SWARM ? 'traefik.swarm' : 'traefik.docker';
  const code = (s: string) => `\`${s}\``;

  return [
    '## Docker Swarm',
    '',
    `${code(FILES.stack)} runs the same services as ${code(FILES.compose)} on a Swarm cluster, as the stack ${code(model.projectName)}.`,
    'It is generated from the same declaration: edit `.projenrc.ts`, run `npx projen`, deploy again.',
    '',
    '### Before the first deployment',
    '',
    '1. A Swarm: `docker swarm init` on the first manager, `docker swarm join` on the other nodes. Run the tasks on a manager.',
    `2. Traefik runs as a Swarm service with the Swarm provider and \`exposedByDefault=false\`; it reads labels such as ${code(`${labelPrefix}.network`)} `
      + '(set `swarmOptions.traefikVersion` for Traefik before 3.2.2).',
    `3. The Traefik network is an attachable overlay network: \`docker network create --driver overlay --attachable ${network}\`.`,
    `4. Label the one node that keeps the data: \`docker node update --label-add ${label} <node>\`. `
      + `${pinned.map(code).join(', ')} run only there, because their volumes live on that node.`,
    `5. ${code(FILES.secrets)} holds every secret (\`npx projen\` creates them; paste ${code(SECRET_NAMES.idpClientSecret)} yourself).`,
    '',
    '### Deploy, check, remove',
    '',
    `- \`npx projen stack-deploy\` creates the Swarm secrets from ${code(FILES.secrets)} and runs `
      + `\`docker stack deploy -c ${FILES.stack} ${model.projectName}\` (script: ${code(FILES.stackScript)}). `
      + 'Pass more flags after `--`, e.g. `npx projen stack-deploy -- --prune`.',
    '- Secrets and configs are named after a digest of their content: a changed secret in `.env` or a changed config file '
      + 'becomes a new version on the next `stack-deploy`, and the services roll over to it.',
    `- \`docker stack services ${model.projectName}\` shows the replicas; \`docker service logs ${model.projectName}_<service>\` the logs.`,
    '- `npx projen stack-rm` removes the services, networks, configs and the secrets `stack-deploy` created. '
      + `The volumes, and with them the data, stay on the node labelled ${code(label)}.`,
    '',
    '### Replicas',
    '',
    '| Service | Replicas | Placement |',
    '|---|---|---|',
    ...services.map(([n, s]) => `| ${n} | ${s.deploy?.replicas ?? 1} | ${pinned.includes(n) ? code(settings.dataNodeConstraint) : 'any node'} |`),
    '',
    'Swarm ignores start order: NetBox and its worker restart until Postgres and Redis are healthy.',
    ...(pinned.includes(SERVICES.netbox)
      ? ['NetBox web and worker share node-local media volumes, so all their replicas run on the data node; put those volumes '
        + 'on shared storage (`driver_opts` via `composeOverrides`) to let them run on any node.']
      : []),
  ];
}
