import type { AdoptionOptions } from './adoption-options';
import type { AdoptedPlugin } from './old-image';
import { normalizePackage } from '../plugins/plugin-catalog';

/**
 * Reading and writing the `adoption` block of a deployment's `.projenrc.ts` as text. adopt writes
 * the block in one shape (one `key: <JSON value>,` per line), which is what it reads back.
 */

const CONSTRUCTOR = 'new NetboxPomeriumProject({';

export type ReadBlock = { readonly adoption?: Record<string, unknown> } | { readonly error: string };

/** The span of `adoption: { ... },` in the declaration, with its braces balanced. */
function blockSpan(rc: string): { start: number; end: number; body: string } | undefined {
  const m = /^([ \t]*)adoption:\s*\{/m.exec(rc);
  if (!m) return undefined;
  let depth = 0;
  for (let i = m.index + m[0].length - 1; i < rc.length; i++) {
    if (rc[i] === '{') {depth++;} else if (rc[i] === '}' && --depth === 0) {
      let end = i + 1;
      if (rc[end] === ',') end++;
      if (rc[end] === '\n') end++;
      return { start: m.index, end, body: rc.slice(m.index + m[0].length, i) };
    }
  }
  return undefined;
}

/** The adoption the declaration already holds, if any. */
export function readAdoptionBlock(rc: string): ReadBlock {
  const span = blockSpan(rc);
  if (!span) return /^\s*adoption\s*:/m.test(rc) ? { error: 'its adoption option is not an object literal adopt can read' } : {};
  const json = `{${span.body
    .replace(/\/\/.*$/gm, '')
    .replace(/^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:/gm, '"$1":')
    .replace(/,\s*$/, '')}}`;
  try {
    return { adoption: JSON.parse(json) };
  } catch {
    return { error: 'its adoption block was edited into a form adopt cannot read back (one `key: "value",` per line)' };
  }
}

/** The current `netboxVersion: "..."` of the declaration, if set. */
export function declaredNetboxVersion(rc: string): string | undefined {
  const m = /^\s*netboxVersion:\s*(['"])([^'"]*)\1\s*,?\s*$/m.exec(rc);
  return m ? m[2] : undefined;
}

/** Compares two adoptions field by field; returns the differing keys. */
export function adoptionDifferences(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => k !== 'composeFile');
  return keys.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).sort();
}

/**
 * `.projenrc.ts` with the adoption block (replacing one that is there) and `netboxVersion` set.
 * Undefined when the declaration has no `new NetboxPomeriumProject({`.
 */
export function writeAdoption(rc: string, adoption: AdoptionOptions, netboxVersion: string): string | undefined {
  const span = blockSpan(rc);
  let text = span ? rc.slice(0, span.start) + rc.slice(span.end) : rc;
  text = text.replace(/^[ \t]*\/\/ Taken over by `npx projen adopt`.*\n/m, '');
  const at = text.indexOf(CONSTRUCTOR);
  if (at < 0) return undefined;
  const lineEnd = text.indexOf('\n', at) + 1;
  const lines = [
    '  // Taken over by `npx projen adopt` from an existing deployment: keep it, or the old data is orphaned.',
    '  adoption: {',
    ...Object.entries(adoption).filter(([, v]) => v !== undefined).map(([k, v]) => `    ${k}: ${JSON.stringify(v)},`),
    '  },',
  ];
  if (declaredNetboxVersion(text) !== undefined) {
    text = text.replace(/^(\s*netboxVersion:\s*)(['"])[^'"]*\2/m, `$1${JSON.stringify(netboxVersion)}`);
  } else {
    lines.push(`  netboxVersion: ${JSON.stringify(netboxVersion)},`);
  }
  return text.slice(0, lineEnd) + lines.map((l) => `${l}\n`).join('') + text.slice(lineEnd);
}

export type ReadPlugins = { readonly plugins?: AdoptedPlugin[] } | { readonly error: string };

/** The span of `plugins: [ ... ],` at the top level of the declaration, with its brackets balanced. */
function pluginsSpan(rc: string): { start: number; end: number; body: string } | undefined {
  const m = /^[ \t]*plugins:\s*\[/m.exec(rc);
  if (!m) return undefined;
  let depth = 0;
  for (let i = m.index + m[0].length - 1; i < rc.length; i++) {
    if (rc[i] === '[' || rc[i] === '{') {depth++;} else if ((rc[i] === ']' || rc[i] === '}') && --depth === 0) {
      let end = i + 1;
      if (rc[end] === ',') end++;
      if (rc[end] === '\n') end++;
      return { start: m.index, end, body: rc.slice(m.index + m[0].length - 1, i + 1) };
    }
  }
  return undefined;
}

/** The package and version of each plugin the declaration lists, if it lists any. */
export function readPluginsList(rc: string): ReadPlugins {
  const span = pluginsSpan(rc);
  if (!span) return /^\s*plugins\s*:/m.test(rc) ? { error: 'its plugins option is not a list literal adopt can read' } : {};
  const json = span.body
    .replace(/\/\/.*$/gm, '')
    .replace(/'((?:[^'\\]|\\.)*)'/g, (_a, s: string) => JSON.stringify(s.replace(/\\(.)/g, '$1')))
    .replace(/([{,]\s*)([A-Za-z_][A-Za-z0-9_]*)\s*:/g, '$1"$2":')
    .replace(/,(\s*[}\]])/g, '$1');
  try {
    const list = JSON.parse(json);
    if (!Array.isArray(list)) throw new Error('not a list');
    return { plugins: list.map((p) => ({ package: String(p?.package), version: String(p?.version) })) };
  } catch {
    return { error: 'its plugins option was written in a form adopt cannot read back (one `{ package: "...", version: "..." },` per line)' };
  }
}

/** Whether two plugin lists pin the same packages at the same versions, in the same order. */
export function samePlugins(a: readonly AdoptedPlugin[], b: readonly AdoptedPlugin[]): boolean {
  const key = (l: readonly AdoptedPlugin[]) => JSON.stringify(l.map((p) => [normalizePackage(p.package), p.version]));
  return key(a) === key(b);
}

/**
 * `.projenrc.ts` with `plugins` (replacing a list that is there) after the adoption block, one
 * entry per line; an empty list is left out.
 */
export function writePlugins(rc: string, plugins: readonly AdoptedPlugin[]): string | undefined {
  const span = pluginsSpan(rc);
  const text = span ? rc.slice(0, span.start) + rc.slice(span.end) : rc;
  if (plugins.length === 0) return text;
  const adoption = blockSpan(text);
  const at = adoption ? adoption.end : text.indexOf('\n', text.indexOf(CONSTRUCTOR)) + 1;
  if (!adoption && text.indexOf(CONSTRUCTOR) < 0) return undefined;
  const lines = [
    '  plugins: [',
    ...plugins.map((p) => `    { package: ${JSON.stringify(p.package)}, version: ${JSON.stringify(p.version)} },`),
    '  ],',
  ];
  return text.slice(0, at) + lines.map((l) => `${l}\n`).join('') + text.slice(at);
}
