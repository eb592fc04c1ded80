import { SECRET_NAMES } from '../secrets/secret-specs';

/** The Node.js of the deployment's CI: an LTS line in support (Node 20 left support in April 2026). */
const CI_NODE_VERSION = '24';

/**
 * A GitHub Actions workflow for the deployment repository: the generated files must match
 * `.projenrc.ts` (anti-tamper), and Compose must accept the result.
 */
export function renderDriftWorkflow(userSecretNames: readonly string[] = []): Record<string, unknown> {
  return {
    name: 'deployment',
    on: { push: {}, pull_request: {} },
    permissions: { contents: 'read' },
    jobs: {
      check: {
        'runs-on': 'ubuntu-latest',
        'steps': [
          { uses: 'actions/checkout@v4' },
          { uses: 'actions/setup-node@v4', with: { 'node-version': CI_NODE_VERSION } },
          { name: 'Install', run: 'npm ci' },
          {
            name: 'Generated files match .projenrc.ts',
            run: 'npx projen --no-post\ngit add -A\ngit diff --cached --exit-code --ignore-space-at-eol',
          },
          {
            // CI has no real client secret; `npx projen` above created the others in a throw-away .env.
            name: 'Compose accepts the stack',
            // The secrets the user supplies are empty placeholders there, which Compose refuses: fill them.
            run: [`echo "${SECRET_NAMES.idpClientSecret}='placeholder-for-ci'" >> .env`,
              ...userSecretNames.map((name) => `sed -i "s/^${name}=''$/${name}='placeholder-for-ci'/" .env`),
              'npx projen config'].join('\n'),
          },
        ],
      },
    },
  };
}
