/**
 * Renders the README's options table from the jsii assembly (.jsii), so the documented options,
 * flags and defaults are the code's. `npx projen readme-options` rewrites the table in README.md;
 * test/readme.test.ts fails when the README is out of date.
 */
import { readFileSync, writeFileSync } from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
const START = '<!-- options:start -->';
const END = '<!-- options:end -->';
const OPTIONS_FQN = 'projen-netbox-pomerium.NetboxPomeriumProjectOptions';

interface JsiiProperty {
  name: string;
  optional?: boolean;
  type: { primitive?: string; fqn?: string; collection?: { kind: string; elementtype: { primitive?: string; fqn?: string } } };
  docs?: { summary?: string; default?: string; custom?: Record<string, string> };
}

function typeName(t: JsiiProperty['type']): string {
  if (t.primitive) return t.primitive;
  if (t.fqn) return t.fqn.split('.').pop()!;
  if (t.collection) {
    const inner = typeName(t.collection.elementtype as JsiiProperty['type']);
    return t.collection.kind === 'array' ? `${inner}[]` : `Record<string, ${inner}>`;
  }
  return 'unknown';
}

/** projen new gives a flag to primitives, enums and string/number arrays. */
function flag(prop: JsiiProperty, types: Record<string, { kind: string }>): string {
  const t = prop.type;
  const cliable = t.primitive ? t.primitive !== 'any'
    : t.fqn ? types[t.fqn]?.kind === 'enum'
      : t.collection?.kind === 'array' && ['string', 'number'].includes(t.collection.elementtype.primitive ?? '');
  return cliable ? `\`--${prop.name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}\`` : '—';
}

export function renderOptionsTable(assemblyPath = path.join(ROOT, '.jsii')): string {
  const assembly = JSON.parse(readFileSync(assemblyPath, 'utf-8'));
  const options = assembly.types[OPTIONS_FQN];
  const props: JsiiProperty[] = options.properties;
  const rows = props.map((p) => {
    const def = (p.docs?.default ?? (p.optional ? '' : 'required')).replace(/\|/g, '\\|');
    const summary = (p.docs?.summary ?? '').replace(/\|/g, '\\|');
    return `| \`${p.name}\` | ${flag(p, assembly.types)} | \`${typeName(p.type)}\` | ${def} | ${summary} |`;
  });
  return [
    START,
    'The options of `NetboxPomeriumProject` (all of projen\'s `TypeScriptProjectOptions`, such as `name`, are accepted too).',
    'A flag is what `projen new` takes; the rest go into `.projenrc.ts`.',
    '',
    '| Option | Flag | Type | Default | Summary |',
    '|---|---|---|---|---|',
    ...rows,
    END,
  ].join('\n');
}

export function readmeWithOptions(readme: string, table: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < 0) throw new Error(`README.md lacks the ${START} ... ${END} markers`);
  return readme.slice(0, start) + table + readme.slice(end + END.length);
}

if (require.main === module) {
  const readmePath = path.join(ROOT, 'README.md');
  writeFileSync(readmePath, readmeWithOptions(readFileSync(readmePath, 'utf-8'), renderOptionsTable()));
}
