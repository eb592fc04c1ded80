import { spawnSync } from 'child_process';
import * as path from 'path';

/**
 * Issue 17: a synthesis loads what it needs. The commands a deployment's tasks run (`adopt`, `doctor`,
 * `rotate-secret`) load only when their task runs, never with the project type.
 */
test('loading the library loads no command module, and loading a command module does load it (not vacuous)', () => {
  const root = path.resolve(__dirname, '..');
  const loaded = (entry: string): string[] => {
    const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e',
      `require(${JSON.stringify(entry)}); process.stdout.write(JSON.stringify(Object.keys(require.cache)))`], {
      cwd: root, encoding: 'utf-8', env: { ...process.env, TS_NODE_PROJECT: path.join(root, 'test', 'tsconfig.json') },
    });
    if (r.status !== 0) throw new Error(r.stderr);
    return (JSON.parse(r.stdout) as string[]).filter((f) => f.startsWith(path.join(root, 'src'))).map((f) => path.relative(root, f));
  };
  const library = loaded('./src');
  expect(library).toContain(path.join('src', 'netbox-pomerium-project.ts'));
  const commands = [path.join('src', 'adopt', 'adopt-command.ts'), path.join('src', 'doctor', 'doctor.ts'), path.join('src', 'secrets', 'rotate-secret.ts')];
  expect(library.filter((f) => commands.includes(f))).toEqual([]);
  expect(loaded('./src/adopt/adopt-command')).toContain(commands[0]);
});
