import { cdk, javascript } from 'projen';

/** One jest project: projects inherit no transform from the root config, so each names ts-jest. */
function jestProject(displayName: string, config: Record<string, unknown>): Record<string, unknown> {
  return {
    displayName,
    transform: { '^.+\\.[t]sx?$': ['ts-jest', { tsconfig: 'test/tsconfig.json' }] },
    ...config,
  };
}

const project = new cdk.JsiiProject({
  name: 'projen-netbox-pomerium',
  description: 'A projen project type that generates a NetBox deployment behind Pomerium and Traefik from one typed declaration.',
  keywords: ['projen', 'netbox', 'pomerium', 'traefik', 'docker-compose', 'netbox-docker'],
  author: 'projen-netbox-pomerium maintainers',
  authorAddress: 'maintainers@users.noreply.example.org',
  repositoryUrl: 'https://github.com/projen-netbox-pomerium/projen-netbox-pomerium.git',
  defaultReleaseBranch: 'main',
  jsiiVersion: '~6.0.0',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  // TypeScript 7 (the native compiler) breaks ts-node and ts-jest; stay on the 6.0 line jsii 6 uses.
  typescriptVersion: '~6.0.0',
  license: 'Apache-2.0',

  // CI for this repository is `.ci/run`; no GitHub release machinery.
  github: false,
  release: false,

  // A project type must share the user's projen: a second copy breaks the projen.Project FQN chain.
  peerDeps: ['projen@>=0.103.25 <1.0.0', 'constructs@^10.4.2'],
  peerDependencyOptions: { pinnedDevDependency: false },
  projenVersion: '0.103.25',
  devDeps: ['constructs@10.4.2', '@types/node@^20', 'ajv@^8',
    // Kubernetes target: types for the renderers (type-only imports), validators for the tests.
    'kubernetes-types@^1.30.0', 'kubernetes-models@^4.5.1', '@kubernetes-models/traefik@^0.2.4',
    // Plugins: the generated Dockerfile is read by a real Dockerfile parser in the tests.
    'dockerfile-ast@^0.7.1'],
  // Non-jsii runtime libraries must travel inside the package.
  bundledDeps: ['yaml@^2'],

  jestOptions: {
    // Snapshots are compared, never silently rewritten (update them with `npx jest -u`).
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testTimeout: 240_000,
      // Two projects: `unit` is the developer loop (pure functions and in-process synthesis),
      // `e2e` packs this library once and drives real deployments. `npx projen test` runs both.
      projects: [
        jestProject('unit', {
          testMatch: ['<rootDir>/test/**/*.test.ts'],
          testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
          // A global setup, not a setupFiles entry: only the parent process can move the temp dir
          // the workers inherit (jest's sandbox has its own copy of process.env).
          globalSetup: '<rootDir>/test/setup-tmpdir.ts',
        }),
        jestProject('e2e', {
          testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
          // Packs this library once and shares the packed tarball (it moves the temp dir too).
          globalSetup: '<rootDir>/test/e2e/global-setup.ts',
        }),
      ],
    },
  },
  gitignore: ['/example/'],
  npmignoreEnabled: true,
});

// Layering: options → model → renderers → plan → project. A cycle means a layer reaches back up.
project.eslint?.addRules({ 'import/no-cycle': ['error', { ignoreExternal: true }] });

// The npm package carries the library only.
for (const dir of ['/.ci/', '/scripts/', '/example/', '/bench/', '/docs/']) project.addPackageIgnore(dir);

project.addTask('test:unit', {
  description: 'The fast developer loop: unit tests only (no packing, no projen new, no coverage)',
  // Coverage instrumentation doubles the run (96 s vs 48 s here); `npx projen test` keeps it.
  exec: 'jest --selectProjects unit --coverage=false',
  receiveArgs: true,
});

project.addTask('test:e2e', {
  description: 'End-to-end tests: pack this library, projen new deployments, drive them',
  exec: 'jest --selectProjects e2e',
  receiveArgs: true,
});

project.addTask('example', {
  description: 'Create an example deployment (seed values) from this checkout in example/netbox',
  exec: 'bash scripts/create-example.sh',
});

project.addTask('readme-options', {
  description: 'Rewrite the options table in README.md from the jsii assembly (run after compile)',
  exec: 'ts-node --transpile-only scripts/readme-options.ts',
});

project.addTask('bench', {
  description: 'Benchmark resynthesis (vs a projen typescript-app), in-process synthesis and growth with apps; see docs/performance.md',
  exec: 'ts-node --project bench/tsconfig.json bench/bench.ts',
  receiveArgs: true,
});
// The figures of one machine and moment; docs/performance.md keeps the published ones.
project.gitignore.exclude('/bench/results.json');

project.synth();
