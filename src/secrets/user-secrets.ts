import { SECRET_NAMES } from './secret-specs';
import type { UserSecretModel } from '../model/deployment-model';
import type { DeclarationProblems } from '../model/problems';
import { SERVICES } from '../model/stack-names';
import type { NetboxPomeriumProjectOptions } from '../netbox-pomerium-options';

/**
 * Secrets the user supplies: declared by name (`userSecrets`), or implied by the declaration
 * (EMAIL_PASSWORD with an SMTP user, the proxy URL with credentials). Each is a placeholder in the
 * git-ignored `.env`, reaches only the services named, and Compose refuses to start while it is empty.
 */

/** Words in a variable name that say it holds a secret value. */
const SECRET_WORDS = new Set(['PASSWORD', 'PASSWORDS', 'PASSWD', 'SECRET', 'SECRETS', 'TOKEN', 'TOKENS', 'PEPPER', 'PEPPERS',
  'CREDENTIAL', 'CREDENTIALS', 'KEY', 'KEYS', 'APIKEY']);
/**
 * A last word that makes the variable a path to the secret or its name, not the secret
 * (EMAIL_SSL_KEYFILE is one word; netbox_to_diode_client_secret_name names a Docker secret).
 */
const PATH_WORDS = new Set(['FILE', 'PATH', 'DIR', 'FILENAME', 'NAME']);

/** Whether a variable name says its value is a secret (and not a path to one). */
export function namesSecret(name: string): boolean {
  const words = String(name).toUpperCase().split(/_+/).filter(Boolean);
  if (words.length === 0 || PATH_WORDS.has(words[words.length - 1])) return false;
  return words.some((w) => SECRET_WORDS.has(w.replace(/\d+$/, '')));
}

/**
 * Refuses a committed variable whose name says it holds a secret; the value is never shown. A
 * variable the stack generates itself (DB_PASSWORD, SECRET_KEY, ...) is left to the check that says
 * so: pointing to userSecrets would send the user to a name that is refused there too.
 */
export function checkNotSecret(p: DeclarationProblems, path: string, name: string, services: string): boolean {
  if (!namesSecret(name) || isGeneratedVariable(name)) return true;
  p.add(path, 'names a secret value, which would be committed with the generated env file', name,
    `Declare it in userSecrets ({ name: "${name}", services: [${services}] }) and put the value into the git-ignored .env; `
    + 'a variable that holds a path to the secret ends in _FILE.');
  return false;
}

/** Variables the generated services set themselves; a user secret must not replace them. */
const GENERATED_VARIABLES = ['DB_PASSWORD', 'REDIS_PASSWORD', 'REDIS_CACHE_PASSWORD', 'SECRET_KEY', 'API_TOKEN_PEPPER_1',
  'COOKIE_SECRET', 'SHARED_SECRET', 'POSTGRES_PASSWORD', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY'];

/** Whether the stack sets this variable itself (a generated secret or proxy setting). */
export function isGeneratedVariable(name: string): boolean {
  return GENERATED_VARIABLES.includes(name) || (Object.values(SECRET_NAMES) as string[]).includes(name);
}

const NAME_RE = /^[A-Z][A-Z0-9_]*$/;
// One line of `.env` and of a Compose error hint: no line breaks, no `}` or `$` (interpolation).
// eslint-disable-next-line no-control-regex
const DESCRIPTION_RE = /^[^\x00-\x1f\x7f\u2028\u2029${}]{0,200}$/;

/**
 * The user secrets: the declared ones, checked, after the ones the declaration implies.
 * `services` are the services a secret may reach (NetBox's and the apps').
 */
export function resolveUserSecrets(p: DeclarationProblems, options: NetboxPomeriumProjectOptions, implied: readonly UserSecretModel[],
  services: readonly string[]): UserSecretModel[] {
  const out: UserSecretModel[] = [...implied];
  const taken = new Map<string, string>(implied.map((s) => [s.name, 'the declaration (it is added for you)']));
  for (const name of [...Object.values(SECRET_NAMES), ...GENERATED_VARIABLES]) taken.set(name, 'a generated secret or setting');
  (options.userSecrets ?? []).forEach((secret, i) => {
    const path = `userSecrets[${i}]`;
    const name = secret.name;
    if (typeof name !== 'string' || !NAME_RE.test(name)) {
      p.add(`${path}.name`, 'is not an upper-case environment variable name', name,
        'Use upper-case letters, digits and "_", starting with a letter, e.g. "DIODE_CLIENT_SECRET".');
    } else if (taken.has(name)) {
      p.add(`${path}.name`, `is already used by ${taken.get(name)}`, name, 'Choose another name, or remove the entry.');
    }
    taken.set(name, path);
    const targets = secret.services ?? [SERVICES.netbox, SERVICES.worker];
    if (targets.length === 0) p.add(`${path}.services`, 'is empty, so the secret would reach nothing', targets, 'Name a service, or leave services out.');
    targets.forEach((service, j) => {
      if (!services.includes(service)) {
        p.add(`${path}.services[${j}]`, 'is not a service a secret can reach', service, `Use one of: ${services.join(', ')}.`);
      }
    });
    const description = secret.description ?? '';
    if (typeof description !== 'string' || !DESCRIPTION_RE.test(description)) {
      p.add(`${path}.description`, 'is not one line of at most 200 characters without "$", "{" or "}"', description,
        'It becomes a comment line in .env; shorten it.');
    }
    out.push({ name, variables: [name], services: [...new Set(targets)], description, optionPath: path });
  });
  return out;
}

/** The variables a service gets from user secrets, each with the secret it comes from. */
export function userSecretVariables(secrets: readonly UserSecretModel[], service: string): Array<[variable: string, secret: string]> {
  return secrets.filter((s) => s.services.includes(service)).flatMap((s) => s.variables.map((v) => [v, s.name] as [string, string]));
}

/**
 * The placeholder lines of user secrets missing from the secrets file: the description as a
 * comment, then an empty value written by the file's own `line` format.
 */
export function userSecretPlaceholders(secrets: readonly UserSecretModel[], present: ReadonlySet<string>,
  line: (name: string, value: string) => string): string[] {
  return secrets.filter((s) => !present.has(s.name)).flatMap((s) => [
    `# ${s.description || s.name}: a secret you supply for ${s.services.join(', ')}; docker compose refuses to start while it is empty.`,
    line(s.name, ''),
  ]);
}
