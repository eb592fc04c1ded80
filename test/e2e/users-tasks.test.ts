import { ChildProcess, spawn, spawnSync, SpawnSyncReturns } from 'child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { cleanEnv, copySeedDeployment, git } from './context';
import { PYTHON_FROM_STDIN } from '../../src/identity/netbox-python';
import { fileMode } from '../util';

/**
 * The user tasks (`users`, `offboard`, `break-glass`) in a copy of the seed deployment, with a fake
 * `docker` first on PATH. It records every call (arguments tab-separated), keeps what each exec got
 * on stdin, answers NetBox's Django shell like a NetBox with a few users would (with the noise
 * Django 5.2 prints before it), and keeps the break-glass network as a file. A fake `sleep` records
 * the break-glass duration and sleeps $FAKE_SLEEP seconds instead.
 */
const FAKE_DOCKER = `#!/usr/bin/env bash
set -u
d="$FAKE_DOCKER_DIR"
line=""
for a in "$@"; do line+="$a"$'\\t'; done
printf '%s\\n' "\${line%$'\\t'}" >> "$d/calls"
n=$(wc -l < "$d/calls" | tr -d ' ')
args=" $* "
if [[ "$args" == *" up "* ]]; then
  prev=""
  for a in "$@"; do if [ "$prev" = -f ]; then cp "$a" "$d/up.$(basename "$a")"; fi; prev="$a"; done
  printf '%s' "\${NBP_BREAK_GLASS_PORT:-unset}" > "$d/up.port"
  touch "$d/network"
  exit 0
fi
case "$1 \${2:-}" in
  "network inspect") [ -f "$d/network" ]; exit ;;
  "network rm") rm -f "$d/network"; exit 0 ;;
  "ps -q") if [ -n "\${FAKE_SWARM_TASK:-}" ]; then echo "$FAKE_SWARM_TASK"; fi; exit 0 ;;
esac
if [[ "$args" == *" shell "* ]]; then
  cat > "$d/stdin.$n"
  program="$d/stdin.$n"
  echo "6 objects imported automatically (use -v 2 for details)."
  name=$(sed -n "s/^NAME = '\\(.*\\)'$/\\1/p" "$program")
  if grep -q create_superuser "$program"; then printf 'CREATED\\t%s\\n' "$name"
  elif grep -q 'user.delete()' "$program"; then
    if [ -n "\${FAKE_DELETE_FAIL:-}" ]; then echo "django.db.utils.OperationalError: could not connect to server" >&2; exit 1; fi
    printf 'DELETED\\t%s\\n' "$name"
  elif grep -q NBP_USER "$program"; then
    user=""
    for a in "$@"; do case "$a" in NBP_USER=*) user="\${a#NBP_USER=}" ;; esac; done
    if [ "$user" = alice@example.org ]; then
      printf 'USER\\talice@example.org\\t1\\t1\\n'
      printf 'TOKEN\\t7\\tterraform\\t2026-08-01\\n'
      printf 'TOKEN\\t12\\t-\\tnever\\n'
      printf 'SESSIONS\\t2\\n'
      printf 'DONE\\talice@example.org\\n'
    else
      printf 'NOUSER\\t%s\\t%s\\n' "$user" "alice@example.org, alice.old@example.org"
    fi
  else
    printf 'USER\\talice@example.org\\t1\\t1\\t2026-08-20 09:14\\t3\\t2\\n'
    printf 'USER\\tbob@example.org\\t1\\t0\\t2026-04-02 17:40\\t143\\t1\\n'
    printf 'USER\\tcarol@example.org\\t1\\t0\\tnever\\t-1\\t0\\n'
    printf 'USER\\tdave@example.org\\t0\\t0\\t2025-12-01 08:00\\t265\\t0\\n'
    printf 'NOW\\t2026-08-23 10:00 UTC\\n'
  fi
fi
exit 0
`;
const FAKE_SLEEP = `#!/usr/bin/env bash
printf '%s\\n' "$*" >> "$FAKE_DOCKER_DIR/sleep.log"
exec /bin/sleep "\${FAKE_SLEEP:-0.1}"
`;

const PROJECT = 'seed-deployment';
const COMPOSE = ['compose', '-p', PROJECT, '-f', 'compose.yaml'];
const BG_COMPOSE = [...COMPOSE, '-f', 'break-glass/compose.break-glass.yaml'];
const SHELL = ['/opt/netbox/netbox/manage.py', 'shell', '--verbosity', '0', '-c', PYTHON_FROM_STDIN];
const BG_NETWORK = `${PROJECT}-break-glass`;

describe('users, offboard and break-glass, with a fake docker on PATH', () => {
  const dir = copySeedDeployment();
  const fake = mkdtempSync(path.join(tmpdir(), 'nbp-fake-docker-'));
  writeFileSync(path.join(fake, 'docker'), FAKE_DOCKER);
  writeFileSync(path.join(fake, 'sleep'), FAKE_SLEEP);
  chmodSync(path.join(fake, 'docker'), 0o755);
  chmodSync(path.join(fake, 'sleep'), 0o755);
  const env = (extra: Record<string, string> = {}) => ({
    ...cleanEnv(), PROJEN_DISABLE_POST: 'true', PATH: `${fake}:${process.env.PATH}`, FAKE_DOCKER_DIR: fake, ...extra,
  });
  const calls = () => readFileSync(path.join(fake, 'calls'), 'utf-8').split('\n').filter(Boolean).map((l) => l.split('\t'));
  const reset = () => {
    writeFileSync(path.join(fake, 'calls'), '');
    writeFileSync(path.join(fake, 'sleep.log'), '');
  };
  /** What the n-th recorded call (1-based) got on stdin. */
  const stdinOf = (n: number) => readFileSync(path.join(fake, `stdin.${n}`), 'utf-8');
  const bgFile = (name: string) => path.join(dir, 'break-glass', name);
  const log = () => (existsSync(bgFile('break-glass.log')) ? readFileSync(bgFile('break-glass.log'), 'utf-8') : '');

  function run(args: string[], extra: Record<string, string> = {}): SpawnSyncReturns<string> & { calls: string[][] } {
    reset();
    const r = spawnSync('npx', ['projen', ...args], { cwd: dir, encoding: 'utf-8', env: env(extra) });
    return Object.assign(r, { calls: calls() });
  }

  /** Starts break-glass directly with bash (so the signal reaches the script, not npx), resolves once it is open. */
  interface Running { child: ChildProcess; exit: Promise<number | null>; output: () => string }
  async function openInBackground(extra: Record<string, string> = {}): Promise<Running> {
    reset();
    let output = '';
    const child = spawn('bash', ['scripts/netbox-users.sh', 'break-glass', '--', '--minutes', '5'], {
      cwd: dir, env: env({ FAKE_SLEEP: '60', ...extra }), stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (b) => { output += b; });
    child.stderr!.on('data', (b) => { output += b; });
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
    for (let i = 0; i < 200 && !/BREAK GLASS IS OPEN/.test(output); i++) await new Promise((r) => setTimeout(r, 50));
    expect(output).toContain('BREAK GLASS IS OPEN');
    return { child, exit, output: () => output };
  }

  test('the script is generated, committed, read-only and executable, with the compose command of the other tasks', () => {
    const script = readFileSync(path.join(dir, 'scripts/netbox-users.sh'), 'utf-8');
    expect(git(dir, 'ls-files', 'scripts/netbox-users.sh').trim()).toBe('scripts/netbox-users.sh');
    expect(fileMode(path.join(dir, 'scripts/netbox-users.sh'))).toBe('544');
    const tasks = JSON.parse(readFileSync(path.join(dir, '.projen/tasks.json'), 'utf-8')).tasks;
    expect(script).toContain(`compose() { ${tasks.up.steps[0].exec.replace(/ up -d$/, '')} "$@"; }`);
    expect(tasks.users.steps[0].execArgs).toEqual(['bash', 'scripts/netbox-users.sh', 'users']);
    expect(tasks.offboard.steps[0]).toEqual({ execArgs: ['bash', 'scripts/netbox-users.sh', 'offboard'], receiveArgs: true });
    expect(tasks['break-glass'].steps[0]).toEqual({ execArgs: ['bash', 'scripts/netbox-users.sh', 'break-glass'], receiveArgs: true });
    // No Swarm in the seed, so no Swarm variants.
    expect(tasks['stack-users']).toBeUndefined();
    expect(readFileSync(path.join(dir, '.gitignore'), 'utf-8')).toMatch(/^\/break-glass\/$/m);
  });

  test('users: one Django shell in the running netbox service, parsed into a review table', () => {
    const r = run(['users']);
    expect(r.stderr).not.toMatch(/netbox-users:/);
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([[...COMPOSE, 'exec', '-T', 'netbox', ...SHELL]]);
    expect(stdinOf(1)).toContain("for user in User.objects.order_by('username'):");
    const lines = r.stdout.split('\n');
    expect(lines.find((l) => l.startsWith('USER'))).toMatch(/^USER\s+ACTIVE\s+SUPERUSER\s+LAST LOGIN\s+API TOKENS/);
    expect(lines.find((l) => l.startsWith('alice@example.org'))).toMatch(/^alice@example.org\s+yes\s+yes\s+2026-08-20 09:14\s+2\s*$/);
    expect(lines.find((l) => l.startsWith('bob@example.org'))).toMatch(/yes\s+no\s+2026-04-02 17:40\s+1\s+<- no login for 90 days$/);
    expect(lines.find((l) => l.startsWith('carol@example.org'))).toMatch(/yes\s+no\s+never\s+0\s+<- no login for 90 days$/);
    // Inactive users are not flagged: they are offboarded already.
    expect(lines.find((l) => l.startsWith('dave@example.org'))).toMatch(/no\s+no\s+2025-12-01 08:00\s+0\s*$/);
    expect(r.stdout).toContain('4 users: 3 active, 1 superusers, 2 with API tokens, 2 active without a login for 90 days (NetBox time 2026-08-23 10:00 UTC).');
    expect(r.stdout).toContain('Offboard leavers with: npx projen offboard -- <user>');
    // Django's own chatter is not a row.
    expect(r.stdout).not.toContain('objects imported automatically');
  });

  test('offboard -- <user>: exactly one Django shell that deactivates the user, deletes their tokens and ends their sessions', () => {
    const r = run(['offboard', '--', 'alice@example.org']);
    expect(r.stderr).not.toMatch(/netbox-users:/);
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([[...COMPOSE, 'exec', '-T', '-e', 'NBP_USER=alice@example.org', 'netbox', ...SHELL]]);
    const program = stdinOf(1);
    expect(program).toContain("name = os.environ['NBP_USER']");
    expect(program).toContain('user = User.objects.filter(username=name).first()');
    expect(program).toContain("flags = [f for f in ('is_active', 'is_superuser', 'is_staff') if f in fields]");
    expect(program).toContain('user.save(update_fields=flags)');
    expect(program).toContain('Token.objects.filter(user=user).delete()');
    expect(program).toContain("if session.get_decoded().get('_auth_user_id') == str(user.pk):");
    expect(program).toContain('with transaction.atomic():');
    expect(r.stdout.split('\n').filter((l) => l.startsWith('offboard:'))).toEqual([
      'offboard: alice@example.org deactivated (was active: yes, superuser: yes); superuser and staff flags cleared',
      'offboard: deleted API token #7 (terraform, last used 2026-08-01)',
      'offboard: deleted API token #12 (-, last used never)',
      'offboard: ended 2 session(s)',
      'offboard: 2 API token(s) deleted',
      'offboard: remove alice@example.org from the IdP as well; NetBox now refuses them even if Pomerium lets them through.',
    ]);
  });

  test('offboard refuses an unknown user clearly and changes nothing; no user at all is a usage error without docker', () => {
    const r = run(['offboard', '--', 'mallory@example.org']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('netbox-users: no NetBox user is named "mallory@example.org"; nothing was changed. '
      + 'Similar names: alice@example.org, alice.old@example.org. List the users with: npx projen users');
    expect(r.stdout).not.toMatch(/deactivated|deleted/);
    // The one call ran the program, which changes nothing for an unknown name (NOUSER before any write).
    expect(r.calls).toHaveLength(1);
    const program = stdinOf(1);
    expect(program.indexOf("out('NOUSER'")).toBeLessThan(program.indexOf('setattr(user, flag, False)'));
    const none = run(['offboard']);
    expect(none.status).not.toBe(0);
    expect(none.stderr).toContain('netbox-users: usage: npx projen offboard -- <NetBox user name: the e-mail the IdP sends>');
    expect(none.calls).toEqual([]);
  });

  test('--swarm runs the same Python with docker exec in this node\'s NetBox task, and says so when none runs here', () => {
    reset();
    const r = spawnSync('bash', ['scripts/netbox-users.sh', '--swarm', 'users'], { cwd: dir, encoding: 'utf-8', env: env({ FAKE_SWARM_TASK: '3f2a9c1d' }) });
    expect(r.status).toBe(0);
    expect(calls()).toEqual([
      ['ps', '-q', '--filter', `label=com.docker.swarm.service.name=${PROJECT}_netbox`],
      ['exec', '-i', '3f2a9c1d', ...SHELL],
    ]);
    expect(r.stdout).toContain('4 users: 3 active');
    reset();
    const none = spawnSync('bash', ['scripts/netbox-users.sh', '--swarm', 'offboard', 'alice@example.org'], { cwd: dir, encoding: 'utf-8', env: env() });
    expect(none.status).toBe(5);
    expect(none.stderr).toContain(`no task of the Swarm service ${PROJECT}_netbox runs on this node`);
  });

  test('break-glass publishes only on 127.0.0.1, creates a one-time superuser, and on timeout deletes it and closes the port', () => {
    const r = run(['break-glass', '--', '--minutes', '2', '--port', '18181']);
    expect(r.status).toBe(0);
    const name = /User:\s+(break-glass-\d{14})/.exec(r.stderr)![1];
    const password = /Password:\s+([0-9a-f]{32})\b/.exec(r.stderr)![1];
    expect(r.calls).toEqual([
      [...BG_COMPOSE, 'up', '-d', '--wait', '--no-deps', 'netbox-break-glass'],
      [...BG_COMPOSE, 'exec', '-T', 'netbox-break-glass', ...SHELL],
      [...BG_COMPOSE, 'exec', '-T', 'netbox-break-glass', ...SHELL],
      [...BG_COMPOSE, 'rm', '--force', '--stop', 'netbox-break-glass'],
      ['network', 'inspect', BG_NETWORK],
      ['network', 'rm', BG_NETWORK],
    ]);
    expect(stdinOf(2)).toMatch(new RegExp(`^NAME = '${name}'\\nPASSWORD = '${password}'\\n`));
    expect(stdinOf(2)).toContain("User.objects.create_superuser(username=NAME, email='', password=PASSWORD)");
    expect(stdinOf(3)).toMatch(new RegExp(`^NAME = '${name}'\\n`));
    expect(stdinOf(3)).toContain('user.delete()');
    expect(stdinOf(3)).not.toContain(password);
    // The compose file it ran with: the only published port is on 127.0.0.1, taken from the port asked for.
    const bg = parse(readFileSync(path.join(fake, 'up.compose.break-glass.yaml'), 'utf-8'));
    expect(Object.keys(bg.services)).toEqual(['netbox-break-glass']);
    expect(bg.services['netbox-break-glass'].ports).toEqual([
      { target: 8080, host_ip: '127.0.0.1', published: '${NBP_BREAK_GLASS_PORT:?set by scripts/netbox-users.sh}', protocol: 'tcp' },
    ]);
    expect(readFileSync(path.join(fake, 'up.port'), 'utf-8')).toBe('18181');
    expect(bg.networks['break-glass'].driver_opts).toEqual({ 'com.docker.network.bridge.host_binding_ipv4': '127.0.0.1' });
    expect(bg.services['netbox-break-glass'].environment.REMOTE_AUTH_ENABLED).toBe('False');
    expect(bg.services['netbox-break-glass'].restart).toBe('no');
    expect(readFileSync(path.join(fake, 'sleep.log'), 'utf-8').trim()).toBe('120');
    // Announced loudly, logged without the password, and gone afterwards.
    expect(r.stderr).toContain('URL:      http://localhost:18181/login/');
    expect(r.stderr).toContain(`BREAK GLASS CLOSED (timeout): 127.0.0.1:18181 is closed and the superuser ${name} is deleted.`);
    const entries = log().trim().split('\n').slice(-3).map((l) => l.split('\t')[2]);
    expect(entries).toEqual([
      `OPEN user=${name} port=127.0.0.1:18181 minutes=2`,
      expect.stringMatching(new RegExp(`^READY user=${name} port=127.0.0.1:18181 until=\\d\\d:\\d\\dZ$`)),
      `CLOSED user=${name} port=127.0.0.1:18181 reason=timeout`,
    ]);
    expect(log()).not.toContain(password);
    expect(existsSync(bgFile('open'))).toBe(false);
    expect(existsSync(bgFile('compose.break-glass.yaml'))).toBe(false);
    expect(existsSync(path.join(fake, 'network'))).toBe(false);
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });

  test.each([['SIGINT', 130], ['SIGTERM', 143]] as const)('break-glass interrupted by %s deletes the user and removes the port', async (signal, code) => {
    const open = await openInBackground();
    expect(existsSync(bgFile('open'))).toBe(true);
    open.child.kill(signal);
    expect(await open.exit).toBe(code);
    const recorded = calls();
    expect(recorded.slice(-4)).toEqual([
      [...BG_COMPOSE, 'exec', '-T', 'netbox-break-glass', ...SHELL],
      [...BG_COMPOSE, 'rm', '--force', '--stop', 'netbox-break-glass'],
      ['network', 'inspect', BG_NETWORK],
      ['network', 'rm', BG_NETWORK],
    ]);
    expect(stdinOf(recorded.length - 3)).toContain('user.delete()');
    expect(log().trim().split('\n').pop()).toMatch(new RegExp(`\\tCLOSED user=break-glass-\\d{14} port=127.0.0.1:18080 reason=${signal}$`));
    expect(existsSync(bgFile('open'))).toBe(false);
    expect(existsSync(path.join(fake, 'network'))).toBe(false);
  });

  test('break-glass refuses to start while another is open, and close refuses while it still runs', async () => {
    const open = await openInBackground();
    const before = calls().length;
    const second = spawnSync('npx', ['projen', 'break-glass'], { cwd: dir, encoding: 'utf-8', env: env() });
    expect(second.status).not.toBe(0);
    expect(second.stderr).toMatch(/netbox-users: a break-glass is still open: pid=\d+ user=break-glass-\d{14} port=18080 started=\S+ by=\S+ \(see break-glass\/break-glass.log\)\. If it no longer runs, close it with: npx projen break-glass -- close/);
    const close = spawnSync('npx', ['projen', 'break-glass', '--', 'close'], { cwd: dir, encoding: 'utf-8', env: env() });
    expect(close.status).not.toBe(0);
    expect(close.stderr).toContain(`break-glass (pid ${open.child.pid}) is still running`);
    expect(calls()).toHaveLength(before);
    open.child.kill('SIGTERM');
    expect(await open.exit).toBe(143);
    expect(existsSync(bgFile('open'))).toBe(false);
  });

  test('a break-glass left open by a crash: close deletes the user through the stack\'s NetBox and removes the rest', () => {
    writeFileSync(bgFile('open'), 'pid=999999\nuser=break-glass-20260101000000\nport=18080\nstarted=2026-01-01T00:00:00Z\nby=ops\n');
    writeFileSync(path.join(fake, 'network'), '');
    const refused = run(['break-glass']);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('a break-glass is still open: pid=999999 user=break-glass-20260101000000');
    expect(refused.calls).toEqual([]);
    const r = run(['break-glass', '--', 'close']);
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([[...COMPOSE, 'exec', '-T', 'netbox', ...SHELL], ['network', 'inspect', BG_NETWORK], ['network', 'rm', BG_NETWORK]]);
    expect(stdinOf(1)).toMatch(/^NAME = 'break-glass-20260101000000'\n/);
    expect(log().trim().split('\n').pop()).toMatch(/\tCLOSED user=break-glass-20260101000000 port=127.0.0.1:18080 reason=closed by hand$/);
    expect(existsSync(bgFile('open'))).toBe(false);
  });

  test('when the user cannot be deleted, the port is closed anyway and the lock stays, loudly', () => {
    const r = run(['break-glass'], { FAKE_DELETE_FAIL: '1' });
    expect(r.status).not.toBe(0);
    expect(r.calls.map((c) => c.find((a) => ['up', 'exec', 'rm', 'inspect'].includes(a)))).toEqual(['up', 'exec', 'exec', 'exec', 'rm', 'inspect', 'rm']);
    expect(r.stderr).toContain('BREAK GLASS COULD NOT BE CLOSED COMPLETELY (timeout).');
    expect(existsSync(bgFile('open'))).toBe(true);
    expect(existsSync(path.join(fake, 'network'))).toBe(false);
    expect(log().trim().split('\n').pop()).toMatch(/\tCLOSE FAILED user=break-glass-\d{14} port=127.0.0.1:18080 reason=timeout$/);
    // Once NetBox answers again, close finishes the job.
    const again = run(['break-glass', '--', 'close']);
    expect(again.status).toBe(0);
    expect(existsSync(bgFile('open'))).toBe(false);
  });
});
