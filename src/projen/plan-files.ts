import { Project, YamlFile } from 'projen';
import { CommentedTextFile } from './generated-files';
import type { DeploymentPlan } from '../plan/compile';
import type { SecretSpec } from '../secrets/secret-specs';
import { WriteOnceSecretsFile } from '../secrets/secrets-component';
import { KUSTOMIZE_ENV_FORMAT } from '../secrets/secrets-dotenv';
import type { PlannedFile } from '../targets/deployment-target';

/**
 * Registers the targets' files and tasks with projen. Files read the current plan at synthesis,
 * by path, so a recompiled plan (addApp) reaches files registered earlier; calling it again
 * registers only what the new plan added.
 */
export class PlanFiles {
  private readonly registered = new Set<string>();
  private readonly registeredTasks = new Set<string>();

  constructor(private readonly project: Project, private readonly plan: () => DeploymentPlan) {}

  public registerNew(): void {
    for (const { id: target, output } of this.plan().targets) {
      for (const file of output.files) {
        if (this.registered.has(file.path)) continue;
        this.registered.add(file.path);
        this.registerFile(file);
      }
      for (const task of output.tasks) {
        if (this.registeredTasks.has(task.name)) continue;
        // A name projen (or another module) already uses would silently keep the other task.
        if (this.project.tasks.tryFind(task.name)) throw new Error(`netbox-pomerium: the task "${task.name}" of the ${target} target is already defined (a bug)`);
        this.registeredTasks.add(task.name);
        this.project.addTask(task.name, { description: task.description, exec: task.exec, receiveArgs: task.receiveArgs });
      }
    }
  }

  /** The runbook sections of the enabled targets, in target order. */
  public runbookSections(): string[][] {
    return this.plan().targets.map((t) => [...t.output.runbook]).filter((lines) => lines.length > 0);
  }

  private registerFile(file: PlannedFile): void {
    const current = () => this.plan().targets.flatMap((t) => t.output.files).find((f) => f.path === file.path)?.content;
    if (file.format === 'yaml') new YamlFile(this.project, file.path, { obj: () => current() });
    else if (file.format === 'write-once-secrets') new WriteOnceSecretsFile(this.project, file.path, () => (current() ?? []) as SecretSpec[], KUSTOMIZE_ENV_FORMAT);
    else new CommentedTextFile(this.project, file.path, () => current() as string[] | undefined);
  }
}
