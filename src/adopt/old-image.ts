import * as path from 'path';
import { isNetboxImage } from './adoption-model';

/**
 * A locally built NetBox image (netbox-docker's plugin pattern): the Dockerfile a compose service
 * builds, its netbox-docker `FROM`, and the plugins its requirements file pins. Pure: files are read
 * through the `read` callback, relative to the old compose file's folder.
 */

/** What a compose service's `build:` says, interpolated. */
export interface BuildSpec {
  /** The build context, relative to the compose file's folder (or absolute). */
  readonly context: string;
  /** The Dockerfile, relative to the context (or absolute). */
  readonly dockerfile: string;
  /** `dockerfile_inline:`, when the Dockerfile is in the compose file. */
  readonly inline?: string;
  readonly args: Readonly<Record<string, string>>;
}

/** A pinned plugin as adopt writes it into `plugins`. */
export interface AdoptedPlugin {
  readonly package: string;
  readonly version: string;
}

/** The NetBox image an old service builds. */
export interface OldImageBuild {
  /** The Dockerfile, relative to the compose file's folder, for the report. */
  readonly dockerfile: string;
  /** The netbox-docker image of its `FROM`. */
  readonly from: string;
  /** The requirements files it installs, relative to the compose file's folder. */
  readonly requirementsFiles: readonly string[];
  readonly plugins: readonly AdoptedPlugin[];
  /** Its other RUN commands (the new image collects static files itself), for the report. */
  readonly otherRuns: readonly string[];
}

/** One Dockerfile instruction with its continuation lines joined. */
interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

/** A compose `build:` (string or object) as a BuildSpec; undefined without one. */
export function buildSpec(build: unknown, sub: (v: unknown) => unknown): BuildSpec | undefined {
  if (typeof build === 'string') return { context: String(sub(build)), dockerfile: 'Dockerfile', args: {} };
  if (typeof build !== 'object' || build === null) return undefined;
  const b = build as Record<string, unknown>;
  const args: Record<string, string> = {};
  if (Array.isArray(b.args)) {
    for (const item of b.args.map((a) => String(sub(a)))) {
      const i = item.indexOf('=');
      if (i > 0) args[item.slice(0, i)] = item.slice(i + 1);
    }
  } else if (typeof b.args === 'object' && b.args !== null) {
    for (const [k, v] of Object.entries(b.args)) if (v !== null && v !== undefined) args[k] = String(sub(String(v)));
  }
  return {
    context: b.context === undefined ? '.' : String(sub(b.context)),
    dockerfile: b.dockerfile === undefined ? 'Dockerfile' : String(sub(b.dockerfile)),
    inline: typeof b.dockerfile_inline === 'string' ? String(sub(b.dockerfile_inline)) : undefined,
    args,
  };
}

/** A Dockerfile's instructions: comments dropped, `\` continuations joined (the default escape character). */
export function dockerfileInstructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = '';
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*#/.test(line)) continue;
    const continued = /\\\s*$/.test(line);
    pending += `${continued ? line.replace(/\\\s*$/, '') : line} `;
    if (continued) continue;
    const m = /^\s*([A-Za-z]+)\s*(.*?)\s*$/.exec(pending);
    if (m) out.push({ keyword: m[1].toUpperCase(), args: m[2] });
    pending = '';
  }
  return out;
}

/** `$NAME`, `${NAME}`, `${NAME:-default}` of a Dockerfile, from its ARGs and the build args. */
function expandArgs(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_all, braced?: string, def?: string, bare?: string) => vars[braced ?? bare!] || (def ?? ''));
}

/** The images of a Dockerfile's `FROM`s, ARGs declared before the first one (and build args) expanded. */
export function dockerfileFroms(instructions: readonly Instruction[], buildArgs: Readonly<Record<string, string>> = {}): string[] {
  const vars: Record<string, string> = {};
  const froms: string[] = [];
  for (const { keyword, args } of instructions) {
    if (keyword === 'ARG' && froms.length === 0) {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/.exec(args);
      if (m) vars[m[1]] = buildArgs[m[1]] ?? unquote(m[2] ?? '');
    } else if (keyword === 'FROM') {
      const image = args.split(/\s+/).find((t) => !t.startsWith('--'));
      if (image) froms.push(expandArgs(image, vars));
    }
  }
  return froms;
}

const unquote = (s: string) => s.replace(/^(["'])(.*)\1$/, '$2');

/** Shell-ish words of a command: quotes removed; `&&`, `||`, `;` and `|` split commands. */
function commands(shell: string): string[][] {
  return shell.split(/&&|\|\||;|\|/).map((c) => (c.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map(unquote)).filter((w) => w.length > 0);
}

/** pip options that take a value (pip and uv pip). */
const VALUE_OPTIONS = new Set(['-c', '--constraint', '-i', '--index-url', '--extra-index-url', '-f', '--find-links', '-t', '--target',
  '--prefix', '--python', '--root', '--cache-dir', '--src', '--upgrade-strategy', '--progress-bar', '--log']);

/** What the `pip install` / `uv pip install` commands of a RUN install: `-r` files and packages named inline. */
export function pipInstalls(run: string): { requirementFiles: string[]; packages: string[] } {
  const requirementFiles: string[] = [];
  const packages: string[] = [];
  const text = /^\s*\[/.test(run) ? safeJsonArray(run).join(' ') : run.replace(/^(\s*--[a-z]+=\S+)+/, '');
  for (const words of commands(text)) {
    const i = words.findIndex((w, j) => w === 'install' && j > 0 && /(^|\/)pip[0-9.]*$/.test(words[j - 1]));
    if (i < 0) continue;
    for (let j = i + 1; j < words.length; j++) {
      const w = words[j];
      const eq = /^(-r|--requirement)=(.+)$/.exec(w);
      if (eq) requirementFiles.push(eq[2]);
      else if (w === '-r' || w === '--requirement') requirementFiles.push(words[++j] ?? '');
      else if (/^-r./.test(w)) requirementFiles.push(w.slice(2));
      else if (VALUE_OPTIONS.has(w)) j++;
      else if (!w.startsWith('-')) packages.push(w);
    }
  }
  return { requirementFiles, packages };
}

function safeJsonArray(text: string): string[] {
  try {
    const v = JSON.parse(text);
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}

/** Where each file a COPY/ADD takes from the build context lands in the image: [source, destination]. */
function contextCopies(instructions: readonly Instruction[]): Array<{ source: string; target: string; workdir?: string }> {
  const out: Array<{ source: string; target: string; workdir?: string }> = [];
  let workdir: string | undefined;
  for (const { keyword, args } of instructions) {
    if (keyword === 'WORKDIR') workdir = path.posix.resolve(workdir ?? '/', unquote(args));
    if (keyword !== 'COPY' && keyword !== 'ADD') continue;
    const words = /^\s*\[/.test(args) ? safeJsonArray(args) : (args.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map(unquote);
    if (words.some((w) => w.startsWith('--from='))) continue;
    const paths = words.filter((w) => !w.startsWith('--'));
    const dest = paths.pop();
    if (!dest) continue;
    const base = dest.startsWith('/') ? dest : workdir ? path.posix.join(workdir, dest) : dest;
    for (const source of paths) {
      if (/^[a-z]+:\/\//.test(source)) continue;
      const intoDir = base.endsWith('/') || paths.length > 1;
      out.push({ source, target: intoDir ? path.posix.join(base, path.posix.basename(source)) : base.replace(/\/+$/, ''), workdir });
    }
  }
  return out;
}

/** The build-context file a COPY put at `file` (the image path a `-r` names), or undefined. */
function copiedFrom(copies: ReturnType<typeof contextCopies>, file: string): string | undefined {
  const hit = copies.find((c) => c.target === file || path.posix.join(c.target, path.posix.basename(c.source)) === file
    // A relative path without a WORKDIR adopt knows: the base image's; match by file name.
    || (!file.startsWith('/') && path.posix.basename(c.target) === path.posix.basename(file)));
  return hit?.source;
}

/** An exact pin `name==version`; `=== ` and anything else is not one. */
const PIN_RE = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*==\s*(\d+(?:\.\d+)*(?:(?:a|b|rc)\d+)?(?:\.post\d+)?(?:\.dev\d+)?)$/;

/**
 * The plugins of requirement lines, in order; or why a line cannot be taken over (the new image
 * installs exact pins only).
 */
export function parseRequirements(text: string, where: string): AdoptedPlugin[] | string {
  const plugins: AdoptedPlugin[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') continue;
    const at = `${where} line ${i + 1} (${JSON.stringify(line)})`;
    const pin = PIN_RE.exec(line);
    if (pin) {
      plugins.push({ package: pin[1], version: pin[2] });
    } else if (line.startsWith('-')) {
      return `${at} is a pip option, which adopt cannot carry over: list the plugins as name==version lines in this file, then adopt again`;
    } else if (/[[;@]|:\/\//.test(line)) {
      return `${at} has extras, an environment marker or a URL: the new deployment installs each plugin as name==version only; `
        + 'pin the plugin\'s PyPI release on this line, then adopt again';
    } else {
      return `${at} is not pinned to one release: pin it as name==version (pip freeze in the old NetBox container shows the installed one), `
        + 'then adopt again; the new deployment builds its image from exact pins';
    }
  }
  return plugins;
}

/**
 * The NetBox image a service builds: its Dockerfile must have exactly one netbox-docker `FROM`.
 * `notNetbox` says why it is not (or not readably) a NetBox image; a string is why a NetBox build cannot be adopted.
 */
export function readImageBuild(spec: BuildSpec, read: (relativePath: string) => string | undefined):
OldImageBuild | { readonly notNetbox: string } | string {
  if (/^[a-z]+:\/\/|^git@/.test(spec.context)) return { notNetbox: `its build context ${spec.context} is remote, which adopt cannot read` };
  const dockerfile = spec.inline !== undefined ? '(dockerfile_inline)' : path.posix.normalize(path.posix.join(spec.context, spec.dockerfile));
  const text = spec.inline ?? read(dockerfile);
  if (text === undefined) return { notNetbox: `its Dockerfile ${dockerfile} cannot be read` };
  const instructions = dockerfileInstructions(text);
  const netboxFroms = dockerfileFroms(instructions, spec.args).filter((f) => isNetboxImage(f));
  if (netboxFroms.length === 0) return { notNetbox: `its Dockerfile ${dockerfile} has no FROM of the netboxcommunity/netbox image` };
  if (netboxFroms.length > 1) {
    return `the Dockerfile ${dockerfile} has ${netboxFroms.length} FROMs of the NetBox image (${netboxFroms.join(', ')}): adopt needs one to know the NetBox release; `
      + 'keep one, then adopt again';
  }
  const copies = contextCopies(instructions);
  const requirementsFiles: string[] = [];
  const plugins: AdoptedPlugin[] = [];
  const otherRuns: string[] = [];
  for (const { args } of instructions.filter((x) => x.keyword === 'RUN')) {
    const installs = pipInstalls(args);
    if (installs.packages.length + installs.requirementFiles.length === 0 && !/manage\.py\s+collectstatic/.test(args)) otherRuns.push(args.replace(/\s+/g, ' '));
    if (installs.packages.length > 0) {
      const inline = parseRequirements(installs.packages.join('\n'), `the RUN pip install of ${dockerfile}`);
      if (typeof inline === 'string') return inline;
      plugins.push(...inline);
    }
    for (const file of installs.requirementFiles) {
      const source = copiedFrom(copies, file);
      if (source === undefined) {
        return `the Dockerfile ${dockerfile} installs ${file}, which it does not COPY from the build context, so adopt cannot read the plugins in it; `
          + 'COPY it from the build context, then adopt again';
      }
      const rel = path.posix.normalize(path.posix.join(spec.context, source));
      const content = read(rel);
      if (content === undefined) {
        return `the requirements file ${rel} that ${dockerfile} installs cannot be read: the build copies it from there; put it back, then adopt again`;
      }
      const listed = parseRequirements(content, rel);
      if (typeof listed === 'string') return listed;
      requirementsFiles.push(rel);
      plugins.push(...listed);
    }
  }
  return { dockerfile, from: netboxFroms[0], requirementsFiles, plugins, otherRuns };
}
