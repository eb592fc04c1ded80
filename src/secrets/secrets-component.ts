import { mkdirSync } from 'fs';
import * as path from 'path';
import { Component, Project } from 'projen';
import { SecretSpec } from './secret-specs';
import { ensureSecrets, SecretsFileFormat } from './secrets-dotenv';
import type { UserSecretModel } from '../model/deployment-model';
import { libraryMain, TASKS } from '../model/stack-names';

/** Keeps the git-ignored secrets file complete at every synthesis (never rewriting a value). */
export class SecretsDotEnvFile extends Component {
  constructor(
    project: Project,
    private readonly fileName: string,
    private readonly specs: () => readonly SecretSpec[],
    private readonly callbackUrl: () => string,
    composeCommand: string,
    private readonly userSecrets: () => readonly UserSecretModel[] = () => [],
  ) {
    super(project);
    project.gitignore.exclude(`/${fileName}`);
    project.addTask(TASKS.rotateSecret, {
      description: 'Replace one secret in .env on purpose: npx projen rotate-secret -- <id> [--apply]; without an id it lists them',
      exec: `${libraryMain('secrets/rotate-secret')} ${composeCommand} --`,
      receiveArgs: true,
    });
  }

  public synthesize(): void {
    const userSecrets = this.userSecrets();
    const result = ensureSecrets(path.join(this.project.outdir, this.fileName), this.specs(), userSecrets);
    if (result.created.length > 0) this.project.logger.info(`Created secrets in ${this.fileName}: ${result.created.join(', ')}`);
    if (result.clientSecretMissing) {
      this.project.logger.warn(`IDP_CLIENT_SECRET is not set: paste the client secret value into ${this.fileName} `
        + `(IDP_CLIENT_SECRET='...'). Register ${this.callbackUrl()} as the redirect URI of your IdP app; `
        + 'docker compose refuses to start until the secret is there.');
    }
    for (const name of result.emptyUserSecrets) {
      const secret = userSecrets.find((s) => s.name === name)!;
      this.project.logger.warn(`${name} is empty: put its value into ${this.fileName} (${secret.description || 'a secret you supply'}); `
        + 'docker compose refuses to start until it is there.');
    }
  }
}

/**
 * Another git-ignored secrets file a target reads (e.g. the kustomize secretGenerator's env file):
 * created at the first synthesis, then only completed, never rewritten, exactly like `.env`.
 */
export class WriteOnceSecretsFile extends Component {
  constructor(
    project: Project,
    private readonly filePath: string,
    private readonly specs: () => readonly SecretSpec[],
    private readonly format: SecretsFileFormat,
  ) {
    super(project);
    project.gitignore.exclude(`/${filePath}`);
  }

  public synthesize(): void {
    const file = path.join(this.project.outdir, this.filePath);
    mkdirSync(path.dirname(file), { recursive: true });
    const result = ensureSecrets(file, this.specs(), [], this.format);
    if (result.created.length > 0) this.project.logger.info(`Created secrets in ${this.filePath}: ${result.created.join(', ')}`);
    if (result.clientSecretMissing) {
      this.project.logger.warn(`IDP_CLIENT_SECRET is not set in ${this.filePath}: paste the client secret value into it (IDP_CLIENT_SECRET=...).`);
    }
  }
}
