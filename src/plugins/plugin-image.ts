import { createHash } from 'crypto';
import type { PluginsModel, StackModel } from '../model/deployment-model';
import { FILES, NETBOX_CONFIG_DIR, NETBOX_MANAGE, NETBOX_PYTHON, PLUGINS_CONFIG_MOUNT } from '../model/stack-names';
import type { NetboxRelease } from '../netbox/netbox-releases';

/**
 * The NetBox image with plugins, netbox-docker's way (operations-facts §3.1): a Dockerfile from
 * the exact tag of the release, the pinned requirements installed with the image's own installer,
 * `plugins.py` copied to where netbox-docker reads configuration, static files collected at build
 * time (with the plugins in PLUGINS, or their pages miss their CSS). The image's tag carries a
 * digest of these files, so a changed plugin set is a new image that `up` builds.
 */
export interface PluginImage {
  readonly dockerfile: string[];
  readonly requirements: string[];
  readonly pluginsPy: string[];
  /** The locally built image compose.yaml runs: `<project>-netbox:<tag>-plugins-<digest>`. */
  readonly local: string;
  /** The pushed image the Swarm stack runs, when its repository is declared. */
  readonly swarm?: string;
  /** The pushed image the Kubernetes manifests run, when its repository is declared. */
  readonly kubernetes?: string;
}

/** Where the Dockerfile puts the requirements inside the image. */
const REQUIREMENTS_IN_IMAGE = '/opt/netbox/plugin_requirements.txt';
/** collectstatic loads the configuration, which wants a SECRET_KEY of 50 characters; this one exists only during the build. */
const BUILD_SECRET_KEY = 'collectstatic-only-'.padEnd(50, 'x');

const CACHE = new WeakMap<PluginsModel, PluginImage>();

/** The image and its files, or undefined without plugins. Rendered once per model. */
export function pluginImage(model: StackModel): PluginImage | undefined {
  const plugins = model.plugins;
  if (!plugins) return undefined;
  let image = CACHE.get(plugins);
  if (!image) {
    image = renderPluginImage(model, plugins);
    CACHE.set(plugins, image);
  }
  return image;
}

function renderPluginImage(model: StackModel, plugins: PluginsModel): PluginImage {
  const { release } = model.netbox;
  const requirements = plugins.plugins.map((p) => `${p.package}==${p.version}`);
  const pluginsPy = renderPluginsPy(plugins);
  const dockerfile = renderDockerfile(release, plugins);
  const digest = createHash('sha256').update(JSON.stringify([dockerfile, requirements, pluginsPy])).digest('hex').slice(0, 12);
  const tag = `${release.tag}-plugins-${digest}`;
  return {
    dockerfile,
    requirements,
    pluginsPy,
    local: `${model.projectName}-netbox:${tag}`,
    swarm: plugins.swarmRepository ? `${plugins.swarmRepository}:${tag}` : undefined,
    kubernetes: plugins.kubernetesRepository ? `${plugins.kubernetesRepository}:${tag}` : undefined,
  };
}

/**
 * The image a cluster runs where compose.yaml runs `composeImage`: with plugins, the locally built
 * image becomes the pushed one. (Without its repository the declaration is refused; the local
 * name stands in so the rest can still be rendered and checked.)
 */
export function clusterImage(model: StackModel, composeImage: unknown, cluster: 'swarm' | 'kubernetes'): string {
  const image = pluginImage(model);
  if (!image || composeImage !== image.local) return String(composeImage);
  return image[cluster] ?? image.local;
}

/** The registry images the clusters pull (one when Swarm and Kubernetes share the repository). */
export function pushedImages(image: PluginImage): string[] {
  return [...new Set([image.swarm, image.kubernetes].filter((i): i is string => i !== undefined))];
}

/**
 * netbox-docker 3.2.0 builds the venv with uv and ships no pip in it; older releases install with
 * the venv's pip.
 */
export function installCommand(release: NetboxRelease): string {
  return release.uvInstaller
    ? `/usr/local/bin/uv pip install --no-cache --python ${NETBOX_PYTHON} -r ${REQUIREMENTS_IN_IMAGE}`
    : `/opt/netbox/venv/bin/pip install --no-cache-dir -r ${REQUIREMENTS_IN_IMAGE}`;
}

function renderDockerfile(release: NetboxRelease, plugins: PluginsModel): string[] {
  const buildSteps = plugins.plugins.flatMap((p) => p.buildSteps);
  return [
    `# NetBox ${release.netbox.slice(0, 2).join('.')} (netbox-docker ${release.dockerRelease}) with ${plugins.plugins.map((p) => p.package).join(', ')}.`,
    '# Built by `npx projen build` (and by `npx projen up` when the plugin set changed).',
    `FROM netboxcommunity/netbox:${release.tag}`,
    `COPY ${fileName(FILES.pluginRequirements)} ${REQUIREMENTS_IN_IMAGE}`,
    `RUN ${installCommand(release)}`,
    ...buildSteps.map((step) => `RUN ${step}`),
    `COPY ${fileName(FILES.pluginsConfig)} ${PLUGINS_CONFIG_MOUNT}`,
    `RUN SECRET_KEY="${BUILD_SECRET_KEY}" ${NETBOX_PYTHON} ${NETBOX_MANAGE} collectstatic --no-input`,
  ];
}

const fileName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/**
 * `plugins.py`: PLUGINS in declared order, each plugin's PLUGINS_CONFIG as Python literals, the
 * secrets read when NetBox starts, and the settings well-known plugins need outside PLUGINS_CONFIG.
 */
function renderPluginsPy(plugins: PluginsModel): string[] {
  const withSecrets = plugins.plugins.some((p) => Object.keys(p.secrets).length > 0);
  const configured = plugins.plugins.filter((p) => Object.keys(p.config).length > 0 || Object.keys(p.secrets).length > 0);
  const lines = [
    `# NetBox plugins: netbox-docker loads every .py file in ${NETBOX_CONFIG_DIR} after configuration.py.`,
    ...(withSecrets ? [
      'import os',
      '',
      '',
      'def _secret(name):',
      '    # A secret you supply (userSecrets): Compose passes it as a variable, Swarm as the file NAME_FILE names.',
      '    # Stripped, as netbox-docker reads its own secrets; empty while the image is built.',
      '    path = os.environ.get(name + "_FILE")',
      '    if path:',
      '        with open(path, encoding="utf-8") as f:',
      '            return f.read().strip()',
      '    return os.environ.get(name, "").strip()',
      '',
    ] : []),
    '',
    'PLUGINS = [',
    ...plugins.plugins.map((p) => `    ${pythonLiteral(p.module, 1)},`),
    ']',
    '',
    'PLUGINS_CONFIG = {',
    ...configured.flatMap((p) => [
      `    ${pythonLiteral(p.module, 1)}: {`,
      ...Object.entries(p.config).map(([key, value]) => `        ${pythonLiteral(key, 2)}: ${pythonLiteral(value, 2)},`),
      ...Object.entries(p.secrets).map(([key, secret]) => `        ${pythonLiteral(key, 2)}: _secret(${pythonLiteral(secret, 2)}),`),
      '    },',
    ]),
    '}',
  ];
  for (const p of plugins.plugins.filter((x) => x.settings.length > 0)) {
    lines.push('', `# ${p.package}: settings outside PLUGINS_CONFIG.`, ...p.settings);
  }
  return lines;
}

/** A JSON value as a Python literal (JSON string escapes are valid in Python strings). */
export function pythonLiteral(value: unknown, depth = 0): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number' || typeof value === 'string') return JSON.stringify(value);
  const indent = '    '.repeat(depth + 1);
  const close = '    '.repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => `${indent}${pythonLiteral(v, depth + 1)},`).join('\n')}\n${close}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${indent}${JSON.stringify(k)}: ${pythonLiteral(v, depth + 1)},`).join('\n')}\n${close}}`;
}
