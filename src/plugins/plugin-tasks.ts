import { pluginImage, pushedImages } from './plugin-image';
import type { StackModel } from '../model/deployment-model';
import { TASKS } from '../model/stack-names';
import type { PlannedTask } from '../targets/deployment-target';

/**
 * With plugins: `build` builds the NetBox image (compose.yaml's web service carries the build;
 * `up` builds it too when its tag, which digests the plugin set, is not there yet), and with a
 * Swarm or Kubernetes repository declared, `push` builds, tags and pushes it for the cluster.
 */
export function pluginTasks(model: StackModel, compose: string): PlannedTask[] {
  const image = pluginImage(model);
  if (!image) return [];
  const pushed = pushedImages(image);
  return [
    { name: TASKS.build, description: 'Build the NetBox image with the plugins (docker compose build)', exec: `${compose} build`, receiveArgs: true },
    ...(pushed.length > 0 ? [{
      name: TASKS.push,
      description: 'Build the NetBox image with the plugins and push it to the registry the cluster pulls from',
      exec: [`${compose} build`, ...pushed.flatMap((target) => [`docker tag ${image.local} ${target}`, `docker push ${target}`])].join(' && '),
    }] : []),
  ];
}
