import { findKnownPlugin, KnownPlugin, normalizePackage, supports, versionText } from './plugin-catalog';
import type { PluginModel, PluginsModel, UserSecretModel } from '../model/deployment-model';
import type { DeclarationProblems } from '../model/problems';
import { SERVICES } from '../model/stack-names';
import { checkUnique } from '../model/validators';
import type { NetboxRelease } from '../netbox/netbox-releases';
import type { NetboxPluginOptions, NetboxPomeriumProjectOptions } from '../netbox-pomerium-options';
import { namesSecret } from '../secrets/user-secrets';

/** PEP 508 project names. */
const PACKAGE_RE = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
/** An exact PEP 440 release: no operators, wildcards or local versions. */
const VERSION_RE = /^\d+(?:\.\d+)*(?:(?:a|b|rc)\d+)?(?:\.post\d+)?(?:\.dev\d+)?$/;
/** A dotted Python module path. */
const MODULE_RE = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
/** A `PLUGINS_CONFIG` setting name a secret fills. */
const SETTING_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A registry repository without tag or digest: `[host[:port]/]path`, lower-case path components. */
const REPOSITORY_RE = /^(?:[A-Za-z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
// eslint-disable-next-line no-control-regex
const ONE_LINE_RE = /^[^\x00-\x1f\x7f\u2028\u2029]+$/;

/** The services a plugin secret must reach: the plugin runs in both. */
const PLUGIN_SERVICES: readonly string[] = [SERVICES.netbox, SERVICES.worker];

/** The clusters that run a pushed image: the option that names its repository, and what they are called in messages. */
const CLUSTERS = [
  { option: 'swarmOptions', enabled: (o: NetboxPomeriumProjectOptions) => o.swarm === true, what: 'a Swarm stack' },
  { option: 'kubernetesOptions', enabled: (o: NetboxPomeriumProjectOptions) => o.kubernetes === true, what: 'a Kubernetes cluster' },
] as const;

/**
 * The plugins of the NetBox image, checked against the NetBox release and the well-known plugin
 * table, or undefined without plugins. `userSecrets` are the resolved ones (a plugin secret must
 * be one declared in `userSecrets`).
 */
export function resolvePlugins(p: DeclarationProblems, options: NetboxPomeriumProjectOptions, release: NetboxRelease,
  userSecrets: readonly UserSecretModel[], warnings: string[]): PluginsModel | undefined {
  const declared = options.plugins ?? [];
  const repositories = CLUSTERS.map((c) => checkRepository(p, `${c.option}.pluginImageRepository`,
    (options[c.option] as { pluginImageRepository?: string } | undefined)?.pluginImageRepository));
  if (!Array.isArray(declared)) {
    p.add('plugins', 'is not a list', declared, 'Declare plugins as a list of { package, version } entries.');
    return undefined;
  }
  if (declared.length === 0) {
    CLUSTERS.forEach((c, i) => {
      if (repositories[i]) warnings.push(`${c.option}.pluginImageRepository has no effect without plugins: the stock netbox-docker image is used.`);
    });
    return undefined;
  }
  const declaredSecrets = new Set((options.userSecrets ?? []).map((s) => s.name));
  const secrets = userSecrets.filter((s) => declaredSecrets.has(s.name));
  const plugins = declared.map((plugin, i) => resolvePlugin(p, `plugins[${i}]`, plugin ?? {} as NetboxPluginOptions, release, secrets, warnings));
  checkSet(p, declared, plugins);
  // A repository counts only where its cluster is on: the push task and the runbook follow it.
  const [swarmRepository, kubernetesRepository] = CLUSTERS.map((c, i) => {
    if (c.enabled(options) && !repositories[i]) {
      p.add(`${c.option}.pluginImageRepository`, `is missing, and ${c.what} cannot build the NetBox image with the plugins`, repositories[i],
        'Name the registry repository the nodes pull from (no tag), e.g. "registry.example.org/netops/netbox"; '
        + '`npx projen push` builds the image and pushes it there, tagged after the NetBox tag and the plugin set.');
    }
    return c.enabled(options) ? repositories[i] : undefined;
  });
  return { plugins, swarmRepository, kubernetesRepository };
}

/** Checks across the entries: each plugin and module once, and the plugins that must come last. */
function checkSet(p: DeclarationProblems, declared: readonly NetboxPluginOptions[], plugins: readonly PluginModel[]): void {
  // Entries already refused for their name are left out, so one mistake is reported once.
  const named = plugins.map((plugin, i) => [i, plugin] as const).filter(([, plugin]) => typeof plugin.package === 'string' && PACKAGE_RE.test(plugin.package));
  const firstOf = new Map<string, number>();
  for (const [i, plugin] of named) {
    const key = normalizePackage(plugin.package);
    const first = firstOf.get(key);
    if (first === undefined) firstOf.set(key, i);
    else p.add(`plugins[${i}].package`, `is the plugin of plugins[${first}] again`, declared[i].package, 'Declare each plugin once.');
  }
  checkUnique(p, named.filter(([, plugin]) => MODULE_RE.test(plugin.module)).map(([i, plugin]) => [`plugins[${i}].module`, plugin.module] as const),
    'module', 'Each plugin needs its own module.');
  plugins.forEach((plugin, i) => {
    if (named.some(([j]) => j === i) && findKnownPlugin(plugin.package)?.mustBeLast && i !== plugins.length - 1) {
      p.add(`plugins[${i}]`, `must be the last plugin: ${plugin.module} adds branching only to the models of the plugins listed before it`,
        plugin.package, 'Move this entry to the end of plugins.');
    }
  });
}

function resolvePlugin(p: DeclarationProblems, path: string, plugin: NetboxPluginOptions, release: NetboxRelease,
  userSecrets: readonly UserSecretModel[], warnings: string[]): PluginModel {
  const { version } = plugin;
  const packageName = plugin.package;
  const packageOk = typeof packageName === 'string' && PACKAGE_RE.test(packageName);
  if (!packageOk) {
    p.add(`${path}.package`, 'is not a PyPI package name', packageName,
      'Use the name from pypi.org: letters, digits, ".", "_" and "-", e.g. "netbox-plugin-dns".');
  }
  const versionOk = typeof version === 'string' && VERSION_RE.test(version);
  if (!versionOk) {
    p.add(`${path}.version`, 'is not an exact version', version,
      'Pin one release, e.g. "1.4.7": no "==", ranges, wildcards or "latest", so every build installs the same code.');
  }
  const known = packageOk ? findKnownPlugin(packageName) : undefined;
  const module = plugin.module ?? known?.module ?? (packageOk ? packageName.toLowerCase().replace(/[-.]+/g, '_') : '');
  if ((packageOk || plugin.module !== undefined) && (typeof module !== 'string' || !MODULE_RE.test(module))) {
    p.add(`${path}.module`, 'is not a Python module name', module,
      'Name the module the plugin\'s documentation puts in PLUGINS, e.g. "netbox_dns" (letters, digits and "_", dot-separated).');
  }
  const checkedByUser = plugin.compatibilityChecked === true;
  if (packageOk && versionOk && !checkedByUser) checkCompatibility(p, path, plugin, known, release, warnings);
  if (known?.wrapsDatabases && !release.databasesSetting) {
    p.add(`${path}.package`, 'needs a netbox-docker release whose configuration.py defines DATABASES (3.4.0 or later), which the generated settings of '
      + `${known.module} wrap; netboxVersion "${release.tag}" is netbox-docker ${release.dockerRelease}`, packageName,
    'Choose a newer netboxVersion for this plugin.');
  }
  const config = checkConfig(p, `${path}.config`, plugin.config ?? {});
  const secrets = checkSecrets(p, `${path}.secrets`, plugin.secrets ?? {}, config, userSecrets);
  const buildSteps = [...(known?.buildSteps ?? []), ...checkBuildSteps(p, `${path}.buildSteps`, plugin.buildSteps ?? [])];
  return { package: packageName, version, module, config, secrets, buildSteps, settings: known?.settings ?? [], checkedByUser };
}

/**
 * A well-known plugin's release must support the image's NetBox; an unknown plugin or release is
 * only warned about (the table ages), and `compatibilityChecked` silences both.
 */
function checkCompatibility(p: DeclarationProblems, path: string, plugin: NetboxPluginOptions, known: KnownPlugin | undefined,
  release: NetboxRelease, warnings: string[]): void {
  const netbox = `NetBox ${release.netbox.slice(0, 2).join('.')} (netboxVersion "${release.tag}")`;
  const listed = known?.releases.find((r) => r.version === plugin.version);
  const fitting = (known?.releases ?? []).filter((r) => supports(r, release.netbox)).map((r) => r.version);
  if (!known || !listed) {
    warnings.push(`${path}: the compatibility of ${plugin.package} ${plugin.version} with ${netbox} was not checked: `
      + `${known ? 'this release is not' : 'the plugin is not'} in the built-in table`
      + `${fitting.length > 0 ? ` (its release there for this NetBox: ${fitting.join(', ')})` : ''}. Check the plugin's compatibility notes; `
      + 'set compatibilityChecked: true on the entry once you have.');
    return;
  }
  if (supports(listed, release.netbox)) return;
  p.add(`${path}.version`, `${plugin.package} ${plugin.version} supports NetBox ${versionText(listed.netboxMin)} to `
    + `${versionText(listed.netboxMax)}, which does not cover ${netbox}, an image known to carry NetBox ${release.netbox.join('.')} or a later patch`,
  plugin.version, `${fitting.length > 0 ? `Use ${fitting.join(' or ')} (the table's release for it), ` : 'Choose a release of the plugin for it, '}`
    + `or another netboxVersion. If you checked this pin yourself, set compatibilityChecked: true on the entry. Source: ${listed.source}.`);
}

/** The config as JSON values; the first value that is not one is reported with its path. */
function checkConfig(p: DeclarationProblems, path: string, config: unknown): Record<string, unknown> {
  if (!isPlainObject(config)) {
    p.add(path, 'is not an object of settings', config, 'Give the plugin\'s PLUGINS_CONFIG entry as an object, e.g. { "top_level_menu": true }.');
    return {};
  }
  const bad = firstNonJson(config, path, new Set());
  if (bad?.what !== CYCLE) checkNoSecretLiterals(p, path, config);
  if (bad) {
    p.add(bad.path, 'is not a JSON value', bad.what,
      'Use strings, finite numbers, booleans, null, lists and plain objects: plugins.py writes the config as Python literals.');
    return {};
  }
  return config;
}

/** Settings whose name says they hold a secret must not carry one as a literal, at any depth. */
function checkNoSecretLiterals(p: DeclarationProblems, path: string, value: unknown): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkNoSecretLiterals(p, `${path}[${i}]`, v));
  } else if (isPlainObject(value)) {
    for (const [key, v] of Object.entries(value)) {
      if (namesSecret(key) && typeof v === 'string' && v !== '') {
        p.add(`${path}.${key}`, 'names a secret value, which would be committed with plugins.py', '<hidden>',
          `Declare a userSecrets entry, put the value into .env and map the setting to it: secrets: { ${key}: "<SECRET_NAME>" }.`);
      } else {
        checkNoSecretLiterals(p, `${path}.${key}`, v);
      }
    }
  }
}

const CYCLE = 'a reference to an enclosing value (a cycle)';

/** The first value below `value` that JSON cannot hold, with a description that does not depend on the machine (no Date text). */
function firstNonJson(value: unknown, path: string, seen: Set<object>): { path: string; what: string } | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : { path, what: String(value) };
  if (typeof value !== 'object') return { path, what: value === undefined ? 'undefined' : `a ${typeof value}` };
  if (seen.has(value)) return { path, what: CYCLE };
  if (!Array.isArray(value) && !isPlainObject(value)) return { path, what: `a ${value.constructor?.name ?? 'non-plain'} object` };
  seen.add(value);
  const entries: Array<[string, unknown]> = Array.isArray(value) ? value.map((v, i) => [`${path}[${i}]`, v]) : Object.entries(value).map(([k, v]) => [`${path}.${k}`, v]);
  for (const [childPath, child] of entries) {
    const bad = firstNonJson(child, childPath, seen);
    if (bad) return bad;
  }
  seen.delete(value);
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function checkSecrets(p: DeclarationProblems, path: string, secrets: unknown, config: Readonly<Record<string, unknown>>,
  userSecrets: readonly UserSecretModel[]): Record<string, string> {
  if (!isPlainObject(secrets)) {
    p.add(path, 'is not an object of setting → secret name', secrets, 'Map each PLUGINS_CONFIG setting to a userSecrets name, e.g. { "api_token": "DNS_API_TOKEN" }.');
    return {};
  }
  const out: Record<string, string> = {};
  for (const [setting, secret] of Object.entries(secrets)) {
    if (!SETTING_RE.test(setting)) {
      p.add(`${path}.${setting}`, 'is not a setting name', setting, 'Use the plugin\'s setting name: letters, digits and "_".');
    } else if (setting in config) {
      p.add(`${path}.${setting}`, 'is also set in config', setting, 'Set it in one place: here for a secret, in config otherwise.');
    }
    const declared = userSecrets.find((s) => s.name === secret);
    if (!declared) {
      p.add(`${path}.${setting}`, 'is not the name of a secret declared in userSecrets', secret,
        `Declare it: userSecrets: [{ name: "${typeof secret === 'string' ? secret : 'SECRET_NAME'}" }], and put its value into .env.`);
    } else {
      const missing = PLUGIN_SERVICES.filter((s) => !declared.services.includes(s));
      if (missing.length > 0) {
        p.add(`${path}.${setting}`, `names a secret that does not reach ${missing.join(' and ')}, where the plugin runs`, secret,
          `Add ${missing.map((s) => `"${s}"`).join(' and ')} to that userSecrets entry's services, or leave its services out.`);
      }
    }
    out[setting] = String(secret);
  }
  return out;
}

/**
 * Each step becomes one `RUN` line: nothing that would join it with the next instruction (a line
 * break, a trailing `\`, a heredoc) or turn it into exec form (a leading `[`).
 */
function checkBuildSteps(p: DeclarationProblems, path: string, steps: unknown): string[] {
  if (!Array.isArray(steps)) {
    p.add(path, 'is not a list of commands', steps, 'Give one shell command per entry.');
    return [];
  }
  steps.forEach((step, i) => {
    const text = typeof step === 'string' ? step.trim() : '';
    if (typeof step !== 'string' || !ONE_LINE_RE.test(step) || text === '' || text.endsWith('\\') || text.startsWith('[') || text.includes('<<')) {
      p.add(`${path}[${i}]`, 'is not a one-line shell command', step,
        'Give each command as one line without a trailing "\\", a heredoc ("<<") or a leading "[": it becomes one RUN of the Dockerfile.');
    }
  });
  return steps.map(String);
}

function checkRepository(p: DeclarationProblems, path: string, repository: string | undefined): string | undefined {
  if (repository === undefined) return undefined;
  if (typeof repository !== 'string' || !REPOSITORY_RE.test(repository)) {
    p.add(path, 'is not a registry repository without tag', repository,
      'Name the repository only, e.g. "registry.example.org/netops/netbox": the tag is derived from the NetBox tag and the plugin set.');
  }
  return repository;
}
