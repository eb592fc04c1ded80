import { existsSync } from 'fs';
import * as path from 'path';
import { javascript, SampleReadme, typescript, YamlFile } from 'projen';
import { CommentedTextFile, envLines, GeneratedMarkdownFile } from './compose/generated-files';
import { FILES, renderPostgresEnv } from './compose/render-compose';
import { addDataTasks } from './deployment/data-tasks';
import { addComposeTasks, composeCommand } from './deployment/deployment-tasks';
import { renderDriftWorkflow, WORKFLOW_FILE } from './deployment/drift-workflow';
import { checkedProjenrcRunner } from './deployment/projenrc-runner';
import { renderRunbook } from './deployment/runbook';
import { egressDiskWarnings } from './egress/egress-resolve';
import { checkPostgresUpgrade, postgresLayoutOf, previousPostgresLayout } from './model/postgres-guard';
import { DeclarationProblems } from './model/problems';
import { netboxSettings, renderNetboxExtraConfig } from './netbox/netbox-settings';
import { NetboxPomeriumProjectOptions, ProtectedAppOptions } from './netbox-pomerium-options';
import { compileDeployment, DeploymentPlan } from './plan/compile';
import { renderPomeriumConfig } from './pomerium/pomerium-config';
import { SecretsDotEnvFile } from './secrets/secrets-component';
import { STACK_FILE } from './swarm/render-stack';
import { swarmRunbookSection } from './swarm/swarm-runbook';
import { addSwarmTasks } from './swarm/swarm-tasks';

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

    this.gitignore.exclude('/backups/');
    new SecretsDotEnvFile(this, FILES.secrets, () => this.model.secrets, () => this.model.callbackUrl, composeCommand(stack),
      () => this.model.userSecrets);

    new YamlFile(this, FILES.compose, { obj: () => this.plan.compose });
    new YamlFile(this, FILES.pomeriumConfig, { obj: () => renderPomeriumConfig(this.model) });
    new CommentedTextFile(this, FILES.netboxEnv, () => envLines(netboxSettings(this.model).env));
    new CommentedTextFile(this, FILES.postgresEnv, () => envLines(renderPostgresEnv()));
    new CommentedTextFile(this, FILES.netboxExtraConfig, () => renderNetboxExtraConfig(this.model));
    for (const app of stack.apps) this.addAppEnvFile(app.name);

    addComposeTasks(this, stack);
    addDataTasks(this, () => this.model);
    this.makeLean();
    new GeneratedMarkdownFile(this, 'README.md', () => renderRunbook(this.model, this.plan.swarmStack ? [swarmRunbookSection(this.model, this.plan.swarmStack)] : []));
    new YamlFile(this, WORKFLOW_FILE, { obj: () => renderDriftWorkflow(this.model.userSecrets.map((s) => s.name)) });
    if (stack.swarm) {
      new YamlFile(this, STACK_FILE, { obj: () => this.plan.swarmStack });
      addSwarmTasks(this, () => this.model, () => this.plan.compose);
    }
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
    this.addAppEnvFile(app.name);
  }

  public preSynthesize(): void {
    super.preSynthesize();
    for (const name of this.ignoredOptions) {
      this.logger.warn(`${name}: is ignored by a deployment (got true). A deployment builds, tests and releases nothing; remove it.`);
    }
    // Checks against what is on disk run here, before any file is written.
    const p = new DeclarationProblems();
    checkPostgresUpgrade(p, previousPostgresLayout(path.join(this.outdir, FILES.compose)), postgresLayoutOf(this.plan.compose)!,
      this.model.allowPostgresUpgrade, this.model.projectName);
    p.throwIfAny();
    for (const warning of [...this.model.warnings, ...egressDiskWarnings(this.model.egress, (f) => existsSync(path.join(this.outdir, f)))]) {
      this.logger.warn(warning);
    }
  }

  private addAppEnvFile(name: string): void {
    new CommentedTextFile(this, FILES.appEnv(name), () => {
      const app = this.model.apps.find((a) => a.name === name);
      return app && Object.keys(app.environment).length > 0 ? envLines(app.environment) : undefined;
    });
  }
}
