import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import { javascript, SampleReadme, typescript, YamlFile } from 'projen';
import { parse } from 'yaml';
import { addAdoptTask } from './adopt/adopt-task';
import { adoptionStartsHere } from './adopt/adoption-model';
import { addBackupTasks } from './backup/backup-tasks';
import { composeCommand } from './deployment/deployment-tasks';
import { renderDriftWorkflow } from './deployment/drift-workflow';
import { checkedProjenrcRunner } from './deployment/projenrc-runner';
import { renderRunbook } from './deployment/runbook';
import { addDoctor } from './doctor/doctor-component';
import { renderDoctorFacts } from './doctor/doctor-facts';
import { egressDiskWarnings } from './egress/egress-resolve';
import { addUserTasks } from './identity/identity-tasks';
import { DEFAULTS } from './model/defaults';
import { checkPostgresUpgrade, PostgresLayout, postgresLayoutOf, previousPostgresLayout } from './model/postgres-guard';
import { DeclarationProblems } from './model/problems';
import { BACKUP_DIR, FILES, VOLUMES } from './model/stack-names';
import { NetboxPomeriumProjectOptions, ProtectedAppOptions } from './netbox-pomerium-options';
import { compileDeployment, DeploymentPlan } from './plan/compile';
import { GeneratedMarkdownFile } from './projen/generated-files';
import { PlanFiles } from './projen/plan-files';
import { SecretsDotEnvFile } from './secrets/secrets-component';

/** TypeScript project options a deployment forces off (it has no library code to build, test or ship). */
const IGNORED_OPTIONS = ['sampleCode', 'jest', 'eslint', 'prettier', 'package', 'release', 'github', 'buildWorkflow'];

/**
 * A NetBox deployment behind Pomerium and Traefik, generated from one typed declaration.
 *
 * Every file (compose.yaml, Pomerium's config, env files, Traefik labels) is derived from one
 * validated model, so nothing can drift. Secrets live only in the git-ignored `.env`.
 *
 * @pjid netbox-pomerium
 */
export class NetboxPomeriumProject extends typescript.TypeScriptAppProject {
  private declaration: NetboxPomeriumProjectOptions;
  private readonly ignoredOptions: readonly string[];
  /** The compiled deployment every file reads; replaced as a whole by addApp. */
  private plan: DeploymentPlan;
  private readonly planFiles: PlanFiles;

  constructor(options: NetboxPomeriumProjectOptions) {
    // Validate before projen creates anything: a bad declaration writes nothing.
    const plan = compileDeployment(options);
    super({
      ...options,
      packageManager: options.packageManager ?? javascript.NodePackageManager.NPM,
      projenrcTs: true,
      // A deployment has no library code: no sample code, tests, linting or bundling.
      sampleCode: false,
      jest: false,
      eslint: false,
      prettier: false,
      package: false,
      release: false,
      github: false,
      depsUpgrade: false,
      buildWorkflow: false,
      pullRequestTemplate: false,
      licensed: false,
      npmignoreEnabled: false,
      // `.projenrc.ts` is type-checked by `tsc` (a type error stops `npx projen`), then run by `node`
      // with a type-stripping hook. No ts-node, so TypeScript 7 (the native compiler) can do the
      // check, several times faster than 6.x (docs/performance.md).
      projenrcTsOptions: {
        ...options.projenrcTsOptions,
        runner: options.projenrcTsOptions?.runner
          ?? checkedProjenrcRunner(`${options.projenrcTsOptions?.projenCodeDir ?? 'projenrc'}/tsconfig.json`),
      },
      typescriptVersion: options.typescriptVersion ?? '~7.0.0',
      devDeps: ['@types/node@^20', ...(options.devDeps ?? [])],
    });
    this.ignoredOptions = IGNORED_OPTIONS.filter((name) => (options as unknown as Record<string, unknown>)[name] === true);
    this.declaration = { ...options, apps: [...(options.apps ?? [])] };
    this.plan = plan;
    const stack = plan.model;

    this.gitignore.exclude(`/${BACKUP_DIR}/`);
    new SecretsDotEnvFile(this, FILES.secrets, () => this.model.secrets, () => this.model.callbackUrl, composeCommand(stack),
      () => this.model.userSecrets);

    // Before the plan's tasks: a deployment's `build` builds the NetBox image with plugins, not TypeScript.
    this.makeLean();
    // Each target's files and tasks (compose.yaml and its files; stack.yaml with swarm on).
    this.planFiles = new PlanFiles(this, () => this.plan);
    this.planFiles.registerNew();
    addBackupTasks(this, () => this.model, () => this.plan.compose);
    addUserTasks(this, () => this.model, () => this.plan.compose);
    addAdoptTask(this);
    addDoctor(this, () => renderDoctorFacts(this.model, this.plan.compose, composeCommand(this.model),
      { idpProviderUrl: DEFAULTS.placeholderIdpUrl, idpClientId: DEFAULTS.placeholderClientId }));
    new GeneratedMarkdownFile(this, FILES.runbook, () => renderRunbook(this.model, this.plan.compose, this.planFiles.runbookSections()));
    new YamlFile(this, FILES.workflow, { obj: () => renderDriftWorkflow(this.model.userSecrets.map((s) => s.name)) });
  }

  private get model() {
    return this.plan.model;
  }

  /**
   * A deployment compiles, tests and packages nothing: drop the TypeScript project's build tasks,
   * its test tsconfig and its sample README (the runbook replaces it).
   */
  private makeLean(): void {
    for (const task of ['build', 'compile', 'pre-compile', 'post-compile', 'test', 'package', 'watch']) this.removeTask(task);
    // The tsconfig for tests and linting; projenrc/tsconfig.json is the one that checks .projenrc.ts.
    this.tryRemoveFile('test/tsconfig.json');
    for (const component of this.components) {
      if (component instanceof SampleReadme) this.node.tryRemoveChild(component.node.id);
    }
  }

  /** Protects one more app behind Pomerium; validated like the `apps` option. */
  public addApp(app: ProtectedAppOptions): void {
    const declaration = { ...this.declaration, apps: [...(this.declaration.apps ?? []), app] };
    this.plan = compileDeployment(declaration);
    this.declaration = declaration;
    this.planFiles.registerNew();
  }

  public preSynthesize(): void {
    super.preSynthesize();
    for (const name of this.ignoredOptions) {
      this.logger.warn(`${name}: is ignored by a deployment (got true). A deployment builds, tests and releases nothing; remove it.`);
    }
    // Checks against what is on disk run here, before any file is written.
    const p = new DeclarationProblems();
    // The compose.yaml on disk is parsed once (a cold YAML parse is a noticeable part of a resynthesis).
    const previous = readYamlIfAny(path.join(this.outdir, FILES.compose));
    if (!adoptionStartsHere(previous, this.model.adoption, VOLUMES.postgres.name)) {
      checkPostgresUpgrade(p, layoutOrUndefined(previous), postgresLayoutOf(this.plan.compose)!,
        this.model.allowPostgresUpgrade, this.model.projectName);
    }
    for (const { output: { postgresGuard: guard } } of this.plan.targets) {
      if (guard) {
        checkPostgresUpgrade(p, previousPostgresLayout(path.join(this.outdir, guard.file)), guard.layout, this.model.allowPostgresUpgrade,
          this.model.projectName, guard.upgradeSteps);
      }
    }
    p.throwIfAny();
    for (const warning of [...this.model.warnings, ...egressDiskWarnings(this.model.egress, (f) => existsSync(path.join(this.outdir, f)))]) {
      this.logger.warn(warning);
    }
  }
}

/** A YAML file on disk, parsed; undefined when it is missing or unreadable. */
function readYamlIfAny(file: string): unknown {
  try {
    return existsSync(file) ? parse(readFileSync(file, 'utf-8')) : undefined;
  } catch {
    return undefined;
  }
}

/** The Postgres layout of a parsed compose file; undefined when it has none or is not a compose file. */
function layoutOrUndefined(compose: unknown): PostgresLayout | undefined {
  try {
    return postgresLayoutOf(compose);
  } catch {
    return undefined;
  }
}
