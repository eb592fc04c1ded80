import { readdirSync, readFileSync, statSync } from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * The layering the README's "Architecture" section describes, checked on the source itself:
 * options → model → renderers → plan → project, with no import reaching back up (type-only
 * imports count too, as `madge --circular` counts them).
 */
const SRC = path.resolve(__dirname, '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return entry.endsWith('.ts') && !entry.endsWith('.d.ts') ? [full] : [];
  });
}

/** file → the files of src/ it imports (relative imports, resolved to `.ts` files). */
function importGraph(files: readonly string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const imports = ts.preProcessFile(readFileSync(file, 'utf-8'), true, true).importedFiles
      .map((i) => i.fileName).filter((name) => name.startsWith('.'))
      .flatMap((name) => {
        const base = path.resolve(path.dirname(file), name);
        return [`${base}.ts`, path.join(base, 'index.ts')].filter((f) => known.has(f)).slice(0, 1);
      });
    graph.set(file, imports);
  }
  return graph;
}

/** Every import cycle, each as the list of files around it. */
export function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push(stack.slice(stack.indexOf(next)));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return cycles;
}

/** Functions and methods longer than `max` lines, as "file:line name (N lines)". */
function longFunctions(files: readonly string[], max: number): string[] {
  const found: string[] = [];
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf-8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node) => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
        const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
        const name = (node as ts.FunctionLikeDeclaration).name?.getText() ?? '<anonymous>';
        if (end - start + 1 > max) found.push(`${path.relative(SRC, file)}:${start + 1} ${name} (${end - start + 1} lines)`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

describe('architecture', () => {
  const files = sourceFiles(SRC);

  test('src/ has no import cycles, type-only imports included', () => {
    expect(findCycles(importGraph(files)).map((c) => c.map((f) => path.relative(SRC, f)).join(' > '))).toEqual([]);
  });

  test('the cycle finder finds a cycle (it is not vacuous)', () => {
    const graph = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]);
    expect(findCycles(graph)).toEqual([['a', 'b', 'c']]);
  });

  test('the model layer imports no renderer, plan or project module', () => {
    const graph = importGraph(files);
    const modelImports = [...graph.entries()]
      .filter(([file]) => path.relative(SRC, file).startsWith('model/'))
      .flatMap(([file, imports]) => imports.map((i) => `${path.relative(SRC, file)} -> ${path.relative(SRC, i)}`))
      .filter((edge) => /-> (compose\/render|swarm\/render|kubernetes\/render|traefik\/traefik-labels|pomerium\/pomerium-config|netbox\/netbox-settings|plugins\/plugin-image|plan\/|netbox-pomerium-project|deployment\/)/.test(edge));
    expect(modelImports).toEqual([]);
  });

  test('no function in src/ is longer than 80 lines', () => {
    expect(longFunctions(files, 80)).toEqual([]);
  });
});
