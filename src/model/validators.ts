import { DeclarationProblems } from './problems';

/**
 * Input checks shared by the model. Each returns true when the value is acceptable and otherwise
 * records a problem in the template `<option path>: <what is wrong> (got <value>). <how to fix>`.
 */

// RFC 1123 host names: dot-separated labels of letters, digits and inner dashes. This excludes
// spaces, backticks, parentheses and newlines, which would otherwise inject into a Traefik rule.
const HOST_LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOST_RE = new RegExp(`^${HOST_LABEL}(?:\\.${HOST_LABEL})+$`, 'i');
const EMAIL_RE = new RegExp(`^[a-z0-9.!#$%&'*+/=?^_{|}~-]+@${HOST_LABEL}(?:\\.${HOST_LABEL})+$`, 'i');
// Docker names: compose service, network and volume names.
const DOCKER_NAME_RE = /^[a-z0-9][a-z0-9_.-]*$/;
// Traefik entrypoint / resolver / router names end up inside label keys.
const TRAEFIK_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
// IdP group ids, claim values: printable, no separators that would split them.
const TOKEN_RE = /^[^\s,|`'"\\]+$/;

export function checkHost(p: DeclarationProblems, path: string, value: string): boolean {
  if (typeof value === 'string' && value.length <= 253 && HOST_RE.test(value)) return true;
  p.add(path, 'is not a fully qualified host name', value,
    'Use a DNS name such as "netbox.example.org" (letters, digits, dashes and dots; no scheme, port, path or spaces).');
  return false;
}

export function checkDomainName(p: DeclarationProblems, path: string, value: string): boolean {
  if (typeof value === 'string' && HOST_RE.test(value)) return true;
  p.add(path, 'is not an e-mail domain', value, 'Use a bare domain such as "example.org".');
  return false;
}

export function checkEmail(p: DeclarationProblems, path: string, value: string): boolean {
  if (typeof value === 'string' && EMAIL_RE.test(value)) return true;
  p.add(path, 'is not an e-mail address', value, 'Use an address such as "user@example.org".');
  return false;
}

export function checkHttpsUrl(p: DeclarationProblems, path: string, value: string): boolean {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url && url.protocol === 'https:' && HOST_RE.test(url.hostname) && !/\s/.test(value)) return true;
  p.add(path, 'must be an https URL', value,
    'Use the issuer URL your identity provider documents, e.g. "https://login.microsoftonline.com/<tenant>/v2.0".');
  return false;
}

export function checkDockerName(p: DeclarationProblems, path: string, value: string): boolean {
  if (typeof value === 'string' && DOCKER_NAME_RE.test(value)) return true;
  p.add(path, 'is not a valid Docker name', value,
    'Use lower-case letters, digits, "_", "." and "-", starting with a letter or digit.');
  return false;
}

export function checkTraefikName(p: DeclarationProblems, path: string, value: string): boolean {
  if (typeof value === 'string' && TRAEFIK_NAME_RE.test(value)) return true;
  p.add(path, 'is not a valid Traefik name', value,
    'Use the name from your Traefik static configuration: letters, digits, "_" and "-" only.');
  return false;
}

export function checkToken(p: DeclarationProblems, path: string, value: string, what: string): boolean {
  if (typeof value === 'string' && TOKEN_RE.test(value)) return true;
  p.add(path, `is not a valid ${what}`, value,
    `Use the ${what} exactly as the identity provider sends it, without spaces, commas, quotes or "|".`);
  return false;
}

export function checkEnvName(p: DeclarationProblems, path: string, value: string): boolean {
  if (ENV_NAME_RE.test(value)) return true;
  p.add(path, 'is not a valid environment variable name', value,
    'Use letters, digits and "_", not starting with a digit.');
  return false;
}

/** Env-file values are one line each: a newline would start a new, injected variable. */
export function checkEnvValue(p: DeclarationProblems, path: string, value: string): boolean {
  if (typeof value === 'string' && !/[\r\n\0]/.test(value)) return true;
  p.add(path, 'contains a line break', value, 'Put the value on one line; env files hold one variable per line.');
  return false;
}

export function checkPort(p: DeclarationProblems, path: string, value: number): boolean {
  if (Number.isInteger(value) && value >= 1 && value <= 65535) return true;
  p.add(path, 'is not a TCP port', value, 'Use a whole number from 1 to 65535.');
  return false;
}

/** Reports values that appear more than once in a list of (path, value) pairs. */
export function checkUnique(p: DeclarationProblems, entries: ReadonlyArray<readonly [string, string]>, what: string, fix: string): void {
  const seen = new Map<string, string>();
  for (const [path, value] of entries) {
    const key = value.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      p.add(path, `repeats the ${what} of ${first}`, value, fix);
    } else {
      seen.set(key, path);
    }
  }
}
