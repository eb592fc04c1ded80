import type { ComposeObject } from '../compose/render-compose';
import type { StackModel } from '../model/deployment-model';
import type { PostgresLayout } from '../model/postgres-guard';
import type { DeclarationProblems } from '../model/problems';

/**
 * How a planned file is written. `write-once-secrets`: a git-ignored env file of generated
 * secrets, created at the first synthesis and only completed afterwards (like `.env`).
 */
export type PlannedFileFormat = 'yaml' | 'commented-text' | 'write-once-secrets';

/** One generated file: YAML from an object, `#`-commented text from lines, or secrets from their specs. */
export interface PlannedFile {
  readonly path: string;
  readonly format: PlannedFileFormat;
  /** The object (yaml), lines (commented-text) or SecretSpec[] (write-once-secrets); undefined: registered, but not written. */
  readonly content: unknown;
}

/** One projen task that runs a command in the deployment. */
export interface PlannedTask {
  readonly name: string;
  readonly description: string;
  readonly exec: string;
  readonly receiveArgs?: boolean;
}

/** What a target adds to the deployment repository. */
export interface TargetOutput {
  readonly files: readonly PlannedFile[];
  readonly tasks: readonly PlannedTask[];
  /** The target's section of the generated runbook (markdown lines); empty for none. */
  readonly runbook: readonly string[];
  /**
   * A file of this target that names the Postgres layout: before writing, the layout in the file
   * on disk is compared with this one (the major-version guard). Compose's own is compose.yaml.
   */
  readonly postgresGuard?: { readonly file: string; readonly layout: PostgresLayout; readonly upgradeSteps: string };
}

/** Renderings every target may build on, made once per compilation. */
export interface SharedRendering {
  /** compose.yaml with the overrides applied: the compose target writes it, Swarm derives its stack from it. */
  readonly compose: ComposeObject;
}

/**
 * A place the deployment runs (Docker Compose, Docker Swarm, ...). A target is one module: its
 * files, tasks, checks and runbook section. Adding one touches no other target.
 */
export interface DeploymentTarget {
  readonly id: string;
  /**
   * Pure. This target's output, or undefined when the declaration does not enable it. Problems
   * with what it rendered (isolation, deliverability) go to `p`.
   */
  plan(model: StackModel, shared: SharedRendering, p: DeclarationProblems): TargetOutput | undefined;
}
