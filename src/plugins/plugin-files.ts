import { pluginImage } from './plugin-image';
import type { StackModel } from '../model/deployment-model';
import { FILES } from '../model/stack-names';
import type { PlannedFile } from '../targets/deployment-target';

/**
 * The build context's files; none without plugins (projen then removes the ones an earlier
 * synthesis wrote, as files it no longer manages).
 */
export function pluginFiles(model: StackModel): PlannedFile[] {
  const image = pluginImage(model);
  if (!image) return [];
  return [
    { path: FILES.pluginDockerfile, format: 'commented-text', content: image.dockerfile },
    { path: FILES.pluginRequirements, format: 'commented-text', content: image.requirements },
    { path: FILES.pluginsConfig, format: 'commented-text', content: image.pluginsPy },
  ];
}
