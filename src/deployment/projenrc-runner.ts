import { FutureComponent, typescript } from 'projen';
import { DEFAULT_PROJENRC_TSCONFIG, TSCONFIG_ENV } from './typecheck-stamp';
import { LIBRARY_PACKAGE } from '../model/stack-names';

/** How projen puts a Node project's tools on every task's PATH with npm: a second npx, ~0.7 s per task. */
export const NPX_TASK_PATH = '$(npx -c "node --print process.env.PATH")';

/**
 * The same PATH from plain `node` (~0.05 s): `node_modules/.bin` of the task's directory and of every
 * directory above it (what npm's run-script adds), in front of the inherited PATH.
 */
export const NODE_TASK_PATH = '$(node --print "const p=require(\'path\');const b=[];'
  + 'for(let d=process.cwd();;d=p.dirname(d)){b.push(p.join(d,\'node_modules\',\'.bin\'));if(p.dirname(d)===d)break}'
  + 'b.concat(process.env.PATH||[]).join(p.delimiter)")';

/** The inherited PATH, unchanged: a task-level value that overrides {@link NODE_TASK_PATH} for one task. */
export const INHERITED_PATH = '$(echo "$PATH")';

/** The transpiler `node` loads to run `.projenrc.ts` (a `.ts` require hook; plain JavaScript is not touched). */
export const TRANSPILER = { name: 'sucrase', version: '^3.35.0', hook: 'sucrase/register/ts' } as const;

/** The preload that type-checks `.projenrc.ts` (skipping tsc when nothing changed) before it runs. */
export const TYPECHECK_PRELOAD = `${LIBRARY_PACKAGE}/lib/deployment/typecheck`;

/**
 * Runs a deployment's `.projenrc.ts` in one `node` process: a preload type-checks it with
 * `tsc --noEmit` (a type error stops the task before projen is loaded, so nothing is written), then
 * sucrase's require hook strips the types of `.ts` files as they load. The preload skips tsc when the
 * projenrc, its tsconfig, the files it imports and the installed packages are unchanged since the last
 * successful check (a stamp under node_modules/.cache; see ./typecheck-stamp.ts): the loop a user
 * repeats, `npx projen` on an unchanged or just-checked declaration, then costs no compiler run.
 *
 * Why not one of projen's runners: ts-node with type checking (projen's default) costs seconds per
 * resynthesis and breaks with TypeScript 7; `tsx` also transforms every JavaScript module of projen
 * it loads (~0.6 s a run) and needs the same `tsc --noEmit` step for the types. sucrase leaves
 * JavaScript alone, so running the projenrc costs what running compiled JavaScript costs, and
 * TypeScript 7 (the native compiler) checks a projenrc in ~0.3 s. `skipLibCheck` leaves the
 * (already compiled) declaration files of projen, this library and `@types/node` unchecked; the
 * projenrc itself is checked in full.
 */
class CheckedProjenrcRunner extends FutureComponent {
  private readonly tsconfig: string;

  constructor(tsconfig: string) {
    super();
    this.tsconfig = tsconfig;
  }

  /**
   * Replaces npm's PATH lookup by {@link NODE_TASK_PATH}: it runs before every task, the default task
   * (resynthesis) included, where it cost as much as the type check. Other package managers keep
   * projen's lookup.
   */
  protected init(): void {
    if (this.project.tasks.env.PATH === NPX_TASK_PATH) {
      this.project.tasks.addEnvironment('PATH', NODE_TASK_PATH);
      // The default task needs nothing from node_modules/.bin (the check finds tsc itself, `node`
      // resolves the preloads): it keeps the PATH it inherits, which projen's shell echoes in-process,
      // instead of one more `node` start (~0.1 s) on every resynthesis.
      // Only with projen's own shell (the default), whose `echo` is built in and which expands "$PATH" everywhere.
      if (this.project.tasks.shell === undefined) this.project.defaultTask?.env('PATH', INHERITED_PATH);
    }
    if (this.tsconfig !== DEFAULT_PROJENRC_TSCONFIG) this.project.defaultTask?.env(TSCONFIG_ENV, this.tsconfig);
  }

  /** The run config for `entrypoint` (the path of `.projenrc.ts`, relative to the project root). */
  public configFor(entrypoint: string) {
    return {
      dependencies: [{ name: 'typescript' }, { name: TRANSPILER.name, version: TRANSPILER.version }],
      steps: [
        { name: 'typecheck and synthesize', execArgs: ['node', '-r', TYPECHECK_PRELOAD, '-r', TRANSPILER.hook, entrypoint] },
      ],
    };
  }

  /** A detached copy; projen's runners are copyable, so this one is too. */
  public copy(): CheckedProjenrcRunner {
    return new CheckedProjenrcRunner(this.tsconfig);
  }
}

/**
 * The projenrc runner of a deployment (see {@link CheckedProjenrcRunner}). `tsconfig` is the
 * projenrc's own tsconfig, which projen's `Projenrc` component writes (`<projenCodeDir>/tsconfig.json`).
 *
 * projen types the option as its `TypeScriptRunner`, whose constructor is private; `Projenrc` uses
 * only what every runner has (`tryAttach`, `configFor`), which this one provides.
 */
export function checkedProjenrcRunner(tsconfig: string): typescript.TypeScriptRunner {
  return new CheckedProjenrcRunner(tsconfig) as unknown as typescript.TypeScriptRunner;
}
