import { findKnownPlugin } from './plugin-catalog';
import { pluginImage, pushedImages } from './plugin-image';
import type { StackModel } from '../model/deployment-model';
import { FILES, SERVICES, TASKS } from '../model/stack-names';

const code = (s: string) => `\`${s}\``;
const task = (name: string) => `\`npx projen ${name}\``;

/**
 * The runbook section on the plugins: what is installed, which image runs it, and how a plugin
 * or NetBox upgrade goes. Empty without plugins.
 */
export function pluginsRunbookSection(model: StackModel): string[] {
  const image = pluginImage(model);
  if (!model.plugins || !image) return [];
  const { release } = model.netbox;
  const pushed = pushedImages(image);
  return [
    '## Plugins',
    '',
    `NetBox's web service${release.housekeeping ? ', its worker and housekeeping' : ' and its worker'} run one image built from ${code(FILES.pluginDockerfile)}:`
    + ` ${code(image.local)}, from ${code(`netboxcommunity/netbox:${release.tag}`)} with:`,
    '',
    '| Package | Version | Module | Compatibility |',
    '|---|---|---|---|',
    ...model.plugins.plugins.map((p) => {
      const known = findKnownPlugin(p.package)?.releases.find((r) => r.version === p.version);
      const compatibility = p.checkedByUser ? 'checked by you (compatibilityChecked)' : known ? `table: ${known.source}` : 'not in the built-in table';
      return `| ${p.package} | ${p.version} | ${code(p.module)} | ${compatibility} |`;
    }),
    '',
    `- ${task(TASKS.up)} builds the image when the plugin set changed (its tag digests the three files in ${code(FILES.pluginBuildContext)}/);`
    + ` ${task(TASKS.build)} builds it by hand. The ${code(SERVICES.netbox)} container runs the plugins' migrations when it starts.`,
    '- Plugin versions move in lockstep with NetBox: before changing `netboxVersion`, pick each plugin\'s release for the new NetBox'
    + ' (the synthesis refuses a well-known plugin whose release does not support it), and take a backup first'
    + ` (${task(TASKS.backup)}): a plugin's migrations cannot be undone by going back to the old image.`,
    '- Removing a plugin from the declaration does not remove its tables; its data stays in the database.',
    ...(pushed.length > 0
      ? [`- The cluster cannot build: ${task(TASKS.push)} builds the image and pushes ${pushed.map(code).join(' and ')};`
        + ' run it before deploying a changed plugin set. A private registry needs `docker login` on the host that pushes;'
        + ' Swarm passes the manager\'s login on (`--with-registry-auth`), Kubernetes needs an image pull secret on the namespace\'s'
        + ' default service account.']
      : []),
  ];
}
