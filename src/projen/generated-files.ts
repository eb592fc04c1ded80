import { FileBase, IResolver, Project } from 'projen';

const MARKERS = new WeakMap<Project, string | undefined>();

/**
 * A read-only generated text file whose first line is projen's "do not edit" marker as a `#`
 * comment (env files and Python configuration both use `#`). The body is rendered lazily.
 */
export class CommentedTextFile extends FileBase {
  constructor(project: Project, filePath: string, private readonly render: () => string[] | undefined) {
    super(project, filePath, { readonly: true });
  }

  /**
   * projen's marker, computed once per project. projen's own getter searches every component of
   * the project for the projenrc, and a file reads it twice per synthesis, which makes the env
   * files of many apps quadratic (1000 apps: ~2 s of 3.7 s). The marker is the same for every file.
   */
  public get marker(): string | undefined {
    if (!MARKERS.has(this.project)) MARKERS.set(this.project, super.marker);
    return MARKERS.get(this.project);
  }

  protected synthesizeContent(_resolver: IResolver): string | undefined {
    const lines = this.render();
    if (lines === undefined) return undefined;
    return [...(this.marker ? [`# ${this.marker}`] : []), ...lines, ''].join('\n');
  }
}

/** A read-only generated Markdown file; the marker is an HTML comment so it does not show when rendered. */
export class GeneratedMarkdownFile extends FileBase {
  constructor(project: Project, filePath: string, private readonly render: () => string[]) {
    super(project, filePath, { readonly: true });
  }

  protected synthesizeContent(_resolver: IResolver): string | undefined {
    return [...(this.marker ? [`<!-- ${this.marker} -->`, ''] : []), ...this.render()].join('\n');
  }
}

/**
 * A generated, committed, read-only and executable script (bash); its second line is projen's
 * marker, which `render` places.
 */
export class ExecutableScriptFile extends FileBase {
  constructor(project: Project, filePath: string, private readonly render: (marker?: string) => string[]) {
    super(project, filePath, { readonly: true, executable: true });
  }

  protected synthesizeContent(_resolver: IResolver): string | undefined {
    return [...this.render(this.marker), ''].join('\n');
  }
}

/** One task that runs a subcommand of a generated script: `bash <script> <args...>`. */
export interface ScriptTask {
  readonly name: string;
  readonly description: string;
  readonly args: readonly string[];
  readonly receiveArgs?: boolean;
}

/** Registers `tasks`, each running `bash <script> <args...>`. */
export function addScriptTasks(project: Project, script: string, tasks: readonly ScriptTask[]): void {
  for (const task of tasks) {
    project.addTask(task.name, {
      description: task.description,
      execArgs: ['bash', script, ...task.args],
      ...(task.receiveArgs ? { receiveArgs: true } : {}),
    });
  }
}
