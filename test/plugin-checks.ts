import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { DockerfileParser } from 'dockerfile-ast';

/**
 * Stand-ins for the modules a plugins.py with netbox-branching imports inside the image: the plugin's
 * utilities and netbox-docker's configuration module (preload `netbox.configuration.configuration`).
 */
export const BRANCHING_IMAGE_MODULES: Readonly<Record<string, string>> = {
  'netbox_branching/__init__.py': '',
  'netbox_branching/utilities.py': 'class DynamicSchemaDict(dict):\n    pass\n',
  'netbox/__init__.py': '',
  'netbox/configuration/__init__.py': '',
  'netbox/configuration/configuration.py': 'DATABASES = {"default": {"NAME": "netbox", "HOST": "postgres"}}\n',
};
export const CONFIGURATION_MODULE = 'netbox.configuration.configuration';

/** A Dockerfile as its instructions (keyword, arguments), read by a real Dockerfile parser. */
export function dockerfileInstructions(text: string): Array<{ keyword: string; args: string }> {
  return DockerfileParser.parse(text).getInstructions().map((i) => ({ keyword: i.getKeyword(), args: i.getArgumentsContent() ?? '' }));
}

/** The base image of a Dockerfile's only stage, as the parser reads it. */
export function dockerfileBase(text: string): string {
  const froms = DockerfileParser.parse(text).getFROMs();
  if (froms.length !== 1) throw new Error(`expected one FROM, got ${froms.length}`);
  return froms[0].getImage() ?? '';
}

/** What a plugins.py defines. */
export interface PluginsPyResult {
  readonly PLUGINS: unknown;
  readonly PLUGINS_CONFIG: unknown;
  readonly other: Record<string, string>;
}

/**
 * Runs a plugins.py with python3, the way netbox-docker loads it (a module's top-level names),
 * and returns PLUGINS and PLUGINS_CONFIG as JSON, every other upper-case name as its repr (and
 * its type's name as NAME_TYPE when that is not a builtin). `modules` are stub modules the file
 * imports (path → source), `preload` the ones imported before it runs (as netbox-docker has
 * imported configuration.py).
 */
export function runPluginsPy(source: string, env: NodeJS.ProcessEnv = {}, modules: Record<string, string> = {},
  ignoreNames: readonly string[] = [], preload: readonly string[] = []): PluginsPyResult {
  const dir = mkdtempSync(path.join(tmpdir(), 'nbp-plugins-py-'));
  writeFileSync(path.join(dir, 'plugins.py'), source);
  for (const [file, text] of Object.entries(modules)) {
    const target = path.join(dir, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
  const script = [
    'import json, runpy, sys',
    `sys.path.insert(0, ${JSON.stringify(dir)})`,
    'import importlib',
    `for m in ${JSON.stringify(preload)}: importlib.import_module(m)`,
    `g = runpy.run_path(${JSON.stringify(path.join(dir, 'plugins.py'))})`,
    'other = {}',
    'for k, v in g.items():',
    '    if k.isupper() and k not in ("PLUGINS", "PLUGINS_CONFIG") and k not in json.loads(sys.argv[1]):',
    '        other[k] = repr(v) if type(v).__module__ == "builtins" else repr(dict(v))',
    '        if type(v).__module__ != "builtins": other[k + "_TYPE"] = type(v).__name__',
    'print(json.dumps({"PLUGINS": g["PLUGINS"], "PLUGINS_CONFIG": g["PLUGINS_CONFIG"], "other": other}))',
  ].join('\n');
  const r = spawnSync('python3', ['-c', script, JSON.stringify(ignoreNames)], {
    encoding: 'utf-8', env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`python3 failed on plugins.py:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}
