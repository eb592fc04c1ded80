import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import { K8S_FILES } from './k8s-names';
import { SECRET_NAMES } from '../secrets/secret-specs';
import { parseDotEnv } from '../secrets/secrets-dotenv';

/**
 * The check before `kubectl apply -k k8s`: the IdP client secret, the one secret `npx projen`
 * cannot create, is in k8s/secrets.env. Without it Pomerium starts but cannot log anyone in.
 * Returns the problem, or undefined when the file is ready.
 */
export function secretsFileProblem(dir: string): string | undefined {
  const file = path.join(dir, K8S_FILES.secrets);
  if (!existsSync(file)) return `${K8S_FILES.secrets} is missing: run npx projen to create it.`;
  const entries = parseDotEnv(readFileSync(file, 'utf-8')).filter((e) => e.name === SECRET_NAMES.idpClientSecret);
  // kustomize refuses a key that appears twice.
  if (entries.length > 1) return `${K8S_FILES.secrets}: ${SECRET_NAMES.idpClientSecret} appears ${entries.length} times; keep one line.`;
  if (entries.length === 0 || entries[0].value.trim() === '') {
    return `${K8S_FILES.secrets}: paste ${SECRET_NAMES.idpClientSecret}=<value> first (the client secret of your IdP app, no quotes).`;
  }
  return undefined;
}

/** Entry point of the k8s-apply task: `node -e "require('projen-netbox-pomerium/lib/kubernetes/k8s-preflight').main()"`. */
export function main(): void {
  const problem = secretsFileProblem(process.cwd());
  if (problem) {
    process.stderr.write(`${problem}\n`);
    process.exitCode = 1;
  }
}
