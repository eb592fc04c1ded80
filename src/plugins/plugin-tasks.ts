import { pluginImage, pushedImages } from './plugin-image';
import type { StackModel } from '../model/deployment-model';
import { FILES, TASKS } from '../model/stack-names';
import type { PlannedTask } from '../targets/deployment-target';

/**
 * With plugins: `build` builds the NetBox image under the name compose.yaml runs (`up` builds it
 * too when that tag, which digests the plugin set, is not there yet), and with a Swarm or
 * Kubernetes repository declared, `push` builds, tags and pushes it for the cluster. Both call
 * `docker build` on the build context: `docker compose build` would first interpolate the whole
 * compose file, and refuse while any secret in `.env` is still empty.
 */
export function pluginTasks(model: StackModel): PlannedTask[] {
  const image = pluginImage(model);
  if (!image) return [];
  const build = `docker build -t ${image.local} ${FILES.pluginBuildContext}`;
  const pushed = pushedImages(image);
  return [
    { name: TASKS.build, description: `Build the NetBox image with the plugins (${FILES.pluginDockerfile})`, exec: build, receiveArgs: true },
    ...(pushed.length > 0 ? [{
      name: TASKS.push,
      description: 'Build the NetBox image with the plugins and push it to the registry the cluster pulls from',
      exec: [build, ...pushed.flatMap((target) => [`docker tag ${image.local} ${target}`, `docker push ${target}`])].join(' && '),
    }] : []),
  ];
}
