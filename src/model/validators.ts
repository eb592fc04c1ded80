import { DeclarationProblems } from './problems';

/**
 * Input checks shared by the model. Each returns true when the value is acceptable and otherwise
 * records a problem in the template `<option path>: <what is wrong> (got <value>). <how to fix>`.
 *
 * The YAML files are written by a serializer, so no value can break their syntax. The env files
 * (`KEY=value` lines) and the NetBox Python file are not: every value that reaches an env file
 * must pass `checkEnvValue` (directly, or because its own check is stricter), and the Python file
 * only holds JSON string literals of validated values.
 */

// RFC 1123 host names: dot-separated labels of letters, digits and inner dashes. This excludes
// spaces, backticks, parentheses and newlines, which would otherwise inject into a Traefik rule.
const HOST_LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOST_RE = new RegExp(`^${HOST_LABEL}(?:\\.${HOST_LABEL})+$`, 'i');
// The local part excludes what env-file readers interpret ($ expands, # starts a comment after a
// space, quotes are stripped) even though RFC 5322 allows it: superusers land in env/netbox.env.
const EMAIL_RE = new RegExp(`^[a-z0-9.!%&*+/=?^_{|}~-]+@${HOST_LABEL}(?:\\.${HOST_LABEL})+$`, 'i');
// Compose project names and Docker volume names.
const DOCKER_NAME_RE = /^[a-z0-9][a-z0-9_.-]*$/;
// Docker network names (Docker accepts upper case here).
const NETWORK_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
// A service that also names a Traefik router (no dots: they separate label key segments), a DNS
// host (the Pomerium route's `to`), a network and an env file.
const SERVICE_NAME_RE = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
// Traefik entrypoint / resolver / router names end up inside label keys and values.
const TRAEFIK_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
// IdP group ids, claim values: printable, no separators that would split them (NetBox splits env
// lists on spaces, Pomerium joins claims with commas, NetBox's default group separator is "|"),
// nothing an env-file reader interprets ($, #, quotes), no backslash, no control characters.
// eslint-disable-next-line no-control-regex
const TOKEN_RE = /^[^\s\x00-\x1f\x7f,|`'"\\$#]+$/;
// An image reference as Docker parses it: [registry[:port]/]path[:tag][@digest], lower-case path.
const IMAGE_RE = new RegExp('^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*'
  + '(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(@sha256:[a-f0-9]{64})?$');

const HOST_FIX = 'Use a DNS name such as "netbox.example.org" (letters, digits, dashes and dots; no scheme, port, path or spaces).';

export function checkHost(p: DeclarationProblems, path: string, value: string): boolean {
  if (typeof value === 'string' && value.length <= 253 && HOST_RE.test(value)) {
    // A DNS name's last label is never all digits (RFC 3696 §2): "192.0.2.10" is an address. Pomerium's
    // authenticate host below it ("authenticate.192.0.2.10") would be no host name, and no public CA certifies it.
    if (!/\.\d+$/.test(value)) return true;
    p.add(path, 'is an IP address, not a DNS host name', value, HOST_FIX);
    return false;
  }
  p.add(path, 'is not a fully qualified host name', value, HOST_FIX);
  return false;
}

export function checkDomainName(p: DeclarationProblems, path: string, value: string): boolean {
  if (typeof value === 'string' && value.length <= 253 && HOST_RE.test(value)) return true;
  p.add(path, 'is not an e-mail domain', value, 'Use a bare domain such as "example.org" (no "@", scheme or spaces).');
  return false;
}

export function checkEmail(p: DeclarationProblems, path: string, value: string): boolean {
  if (typeof value === 'string' && value.length <= 254 && EMAIL_RE.test(value)) return true;
  p.add(path, 'is not an e-mail address', value,
    'Use an address such as "user@example.org" (no spaces, quotes, "$" or "#").');
  return false;
}

export function checkHttpsUrl(p: DeclarationProblems, path: string, value: string): boolean {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  // The URL parser silently drops tabs and newlines, so check the raw string for whitespace too.
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

export function checkNetworkName(p: DeclarationProblems, path: string, value: string): boolean {
  if (typeof value === 'string' && value.length <= 128 && NETWORK_NAME_RE.test(value)) return true;
  p.add(path, 'is not a valid Docker network name', value,
    'Use the name `docker network ls` shows: letters, digits, "_", "." and "-", starting with a letter or digit.');
  return false;
}

export function checkServiceName(p: DeclarationProblems, path: string, value: string): boolean {
  if (typeof value === 'string' && SERVICE_NAME_RE.test(value)) return true;
  p.add(path, 'is not a valid service name', value,
    'Use lower-case letters, digits and inner "-" (it names a Compose service, its host name, network and Traefik router).');
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
    `Use the ${what} exactly as the identity provider sends it, without spaces, commas, quotes, "|", "$" or "#".`);
  return false;
}

/** Pinned means an explicit tag or digest that is not `latest`, in Docker's reference grammar. */
export function checkPinnedImage(p: DeclarationProblems, path: string, image: string): boolean {
  const ref = typeof image === 'string' ? IMAGE_RE.exec(image) : null;
  if (ref && (ref[1] !== undefined || ref[2] !== undefined) && ref[1] !== 'latest') return true;
  p.add(path, 'is not a pinned image', image, 'Name an explicit version tag or digest, e.g. "grafana/grafana:11.3.0"; never "latest".');
  return false;
}

export function checkEnvName(p: DeclarationProblems, path: string, value: string): boolean {
  if (ENV_NAME_RE.test(value)) return true;
  p.add(path, 'is not a valid environment variable name', value,
    'Use letters, digits and "_", not starting with a digit.');
  return false;
}

/**
 * Why a value cannot be written as `KEY=value` in an env file, or undefined when it can.
 *
 * Compose v2 and `docker stack deploy` read env files differently: Compose expands `$`, strips
 * surrounding quotes and whitespace and cuts ` #comments`; the stack keeps everything. Only values
 * both read back unchanged are accepted, and a line break would start a new, injected variable.
 */
export function envValueProblem(value: string): string | undefined {
  if (typeof value !== 'string') return 'is not a string';
  if (/[\r\n]/.test(value)) return 'contains a line break, which would start a new variable in the env file';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029]/.test(value)) return 'contains a control character, which env-file readers disagree on';
  if (value.includes('$')) return 'contains "$", which Compose expands as a variable in env files';
  if (/^\s|\s$/.test(value)) return 'starts or ends with white space, which Compose strips';
  if (/^['"`]/.test(value)) return 'starts with a quote, which Compose strips';
  if (/\s#/.test(value)) return 'contains " #", which Compose reads as the start of a comment';
  return undefined;
}

/** Env-file values must read back unchanged (see `envValueProblem`). */
export function checkEnvValue(p: DeclarationProblems, path: string, value: string): boolean {
  const problem = envValueProblem(value);
  if (problem === undefined) return true;
  p.add(path, problem, value,
    'Put the value on one line without "$", leading quotes or " #"; if it really needs them, set it through '
    + 'composeOverrides ("services.<service>.environment.<NAME>", where "$$" is a literal "$").');
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
    const key = String(value).toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      p.add(path, `repeats the ${what} of ${first}`, value, fix);
    } else {
      seen.set(key, path);
    }
  }
}
