import { DEFAULTS } from '../model/defaults';
import type { EgressModel, EmailModel, ProxyModel, UserSecretModel } from '../model/deployment-model';
import type { DeclarationProblems } from '../model/problems';
import { EGRESS_NETWORK, SERVICES } from '../model/stack-names';
import { checkEmail, checkEnvValue, checkHost, checkPort } from '../model/validators';
import { EmailSecurity, NetboxPomeriumProjectOptions } from '../netbox-pomerium-options';

/** The secret that holds the proxy URL with credentials (`outboundProxyCredentials`). */
export const PROXY_SECRET = 'OUTBOUND_PROXY_URL';
/** netbox-docker reads the SMTP password from this variable (or /run/secrets/email_password). */
export const EMAIL_PASSWORD = 'EMAIL_PASSWORD';
/** Where Pomerium finds the IdP's private CA (`certificate_authority_file`). */
export const IDP_CA_MOUNT = '/pomerium/idp-ca.pem';

/**
 * NetBox settings that have an option of their own: set through `netboxEnvironment` they would
 * bypass its validation (and the isolation it promises).
 */
const OPTION_OF_SETTING: Readonly<Record<string, string>> = {
  TIME_ZONE: 'timeZone',
  HTTP_PROXY: 'outboundProxy',
  HTTPS_PROXY: 'outboundProxy',
  NO_PROXY: 'outboundProxy',
  ISOLATED_DEPLOYMENT: 'isolated',
  CENSUS_REPORTING_ENABLED: 'isolated',
  EMAIL_SERVER: 'email.server',
  EMAIL_PORT: 'email.port',
  EMAIL_USERNAME: 'email.username',
  EMAIL_USE_TLS: 'email.security',
  EMAIL_USE_SSL: 'email.security',
  EMAIL_TIMEOUT: 'email.timeoutSeconds',
  EMAIL_FROM: 'email.fromAddress',
};

/** The option that sets a NetBox setting, if one does (the isolation checks leave such a name to this module). */
export function optionOfSetting(name: string): string | undefined {
  return OPTION_OF_SETTING[name];
}

export interface EgressResolution {
  readonly egress: EgressModel;
  /** Secrets the declaration implies (EMAIL_PASSWORD, the proxy URL with credentials). */
  readonly impliedSecrets: UserSecretModel[];
}

/**
 * How NetBox reaches outside: by default its web service and worker join an egress network of
 * their own; `isolated` keeps them air-gapped. Also the proxy, Pomerium's IdP CA, e-mail and the
 * time zone. `serviceNames` (every service of the stack, apps included) make NO_PROXY.
 */
export function resolveEgress(p: DeclarationProblems, options: NetboxPomeriumProjectOptions, serviceNames: readonly string[],
  warnings: string[]): EgressResolution {
  const isolated = options.isolated ?? false;
  const impliedSecrets: UserSecretModel[] = [];
  const proxy = resolveProxy(p, options, serviceNames, isolated, impliedSecrets);
  const email = resolveEmail(p, options, impliedSecrets);
  if (isolated && email) {
    warnings.push(`isolated is set: NetBox has no network that leaves Docker, so it cannot reach the SMTP server ${email.server} `
      + 'unless that is a relay on its internal network.');
  }
  const timeZone = options.timeZone;
  if (timeZone !== undefined) checkTimeZone(p, 'timeZone', timeZone);
  const caFile = options.idpCertificateAuthorityFile;
  if (caFile !== undefined && !/^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))[A-Za-z0-9_.][A-Za-z0-9_./-]*$/.test(caFile)) {
    p.add('idpCertificateAuthorityFile', 'is not a path inside the deployment', caFile,
      'Give a relative path such as "pomerium/idp-ca.pem" (letters, digits, ".", "_", "-" and "/"; no "..").');
  }
  for (const [name, value] of Object.entries(options.netboxEnvironment ?? {})) {
    const option = OPTION_OF_SETTING[name];
    if (option) {
      p.add(`netboxEnvironment.${name}`, `is set by the ${option} option`, value, `Remove it and declare ${option} instead.`);
    } else if (isolated && name === 'RELEASE_CHECK_URL') {
      p.add(`netboxEnvironment.${name}`, 'turns the release check on, which isolated: true turns off', value,
        'Remove it, or drop isolated so NetBox gets its egress network.');
    }
  }
  const members = isolated ? [] : [SERVICES.netbox, SERVICES.worker];
  return {
    egress: {
      isolated,
      network: isolated ? undefined : EGRESS_NETWORK,
      members,
      proxy,
      idpCa: caFile !== undefined ? { file: caFile, mount: IDP_CA_MOUNT } : undefined,
      email,
      timeZone,
    },
    impliedSecrets,
  };
}

function resolveProxy(p: DeclarationProblems, options: NetboxPomeriumProjectOptions, serviceNames: readonly string[], isolated: boolean,
  impliedSecrets: UserSecretModel[]): ProxyModel | undefined {
  const url = options.outboundProxy;
  const credentials = options.outboundProxyCredentials ?? false;
  const forPomerium = options.outboundProxyForPomerium ?? false;
  if (url === undefined) {
    if (credentials) p.add('outboundProxyCredentials', 'needs a proxy', credentials, 'Declare outboundProxy (without credentials), or remove it.');
    if (forPomerium) p.add('outboundProxyForPomerium', 'needs a proxy', forPomerium, 'Declare outboundProxy, or remove it.');
    return undefined;
  }
  if (isolated) {
    p.add('outboundProxy', 'cannot be reached by an isolated NetBox (isolated: true leaves it no network out of Docker)', withoutCredentials(url),
      'Remove outboundProxy, or drop isolated.');
  }
  checkProxyUrl(p, url);
  if (credentials && (options.swarm ?? false)) {
    p.add('outboundProxyCredentials', 'cannot reach NetBox in the Swarm stack: netbox-docker reads HTTP_PROXY only from its '
      + 'environment, and Swarm delivers secrets only as files', credentials,
    'Let the proxy admit the stack without credentials (by source address), or deploy with compose.');
  }
  const services = [SERVICES.netbox, SERVICES.worker, ...(forPomerium ? [SERVICES.pomerium] : [])];
  if (credentials) {
    impliedSecrets.push({
      name: PROXY_SECRET,
      variables: ['HTTP_PROXY', 'HTTPS_PROXY'],
      services,
      description: `The outbound proxy URL with its credentials, e.g. ${url.replace(/^(https?:\/\/)/, '$1user:password@')}`,
    });
  }
  // Every name a service of the stack is reached by, so internal traffic never goes to the proxy.
  const noProxy = [...serviceNames, 'localhost', '127.0.0.1'];
  return { url, credentialsSecret: credentials ? PROXY_SECRET : undefined, noProxy, forPomerium };
}

/** A URL as it may be shown in a message: credentials replaced. */
function withoutCredentials(value: string): string {
  return String(value).replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1<credentials>@');
}

function checkProxyUrl(p: DeclarationProblems, value: string): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  const fix = 'Use "http://<host>:<port>" (or https), e.g. "http://proxy.example.org:3128".';
  if (!url || !['http:', 'https:'].includes(url.protocol) || /\s/.test(value)) {
    p.add('outboundProxy', 'is not an http(s) URL', withoutCredentials(value), fix);
    return;
  }
  if (url.username !== '' || url.password !== '') {
    // Never echo the credentials back.
    p.add('outboundProxy', 'contains credentials, which would be committed in .projenrc.ts and env/netbox.env', withoutCredentials(value),
      `Declare "${url.protocol}//${url.host}" and set outboundProxyCredentials: true; the full URL then goes into .env as ${PROXY_SECRET}.`);
    return;
  }
  const ipv4 = /^\d{1,3}(\.\d{1,3}){3}$/.test(url.hostname);
  if (!ipv4 && !/^[a-z0-9-]+$/i.test(url.hostname)) checkHost(p, 'outboundProxy', url.hostname);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    p.add('outboundProxy', 'has a path, query or fragment, which a proxy URL has not', value, fix);
  }
  checkEnvValue(p, 'outboundProxy', value);
}

/** The `email` struct with the flag-friendly shorthands merged in; each field may be given once. */
function resolveEmail(p: DeclarationProblems, options: NetboxPomeriumProjectOptions, impliedSecrets: UserSecretModel[]): EmailModel | undefined {
  const struct = options.email ?? {};
  const pick = <T>(field: string, shorthand: string, a: T | undefined, b: T | undefined): T | undefined => {
    if (a !== undefined && b !== undefined && a !== b) {
      p.add(shorthand, `conflicts with email.${field}`, b, `Give the ${field} once: either email.${field} or ${shorthand}.`);
    }
    return a ?? b;
  };
  const server = pick('server', 'emailServer', struct.server, options.emailServer);
  const fromAddress = pick('fromAddress', 'emailFrom', struct.fromAddress, options.emailFrom);
  const username = pick('username', 'emailUsername', struct.username, options.emailUsername);
  const port = pick('port', 'emailPort', struct.port, options.emailPort) ?? DEFAULTS.emailPort;
  const declared = server !== undefined || fromAddress !== undefined || username !== undefined || options.email !== undefined
    || options.emailPort !== undefined;
  if (!declared) return undefined;
  if (server === undefined) {
    p.add('email.server', 'is missing; the other e-mail settings need a server', server,
      'Set emailServer (--email-server) or email.server to the SMTP host, e.g. "smtp.example.org".');
  } else {
    checkHost(p, struct.server !== undefined ? 'email.server' : 'emailServer', server);
  }
  if (fromAddress === undefined) {
    p.add('email.fromAddress', 'is missing; NetBox needs a sender address', fromAddress,
      'Set emailFrom (--email-from) or email.fromAddress, e.g. "netbox@example.org".');
  } else {
    checkEmail(p, struct.fromAddress !== undefined ? 'email.fromAddress' : 'emailFrom', fromAddress);
  }
  checkPort(p, struct.port !== undefined ? 'email.port' : 'emailPort', port);
  const security = struct.security ?? EmailSecurity.STARTTLS;
  if (!Object.values(EmailSecurity).includes(security)) {
    p.add('email.security', 'is not a known connection security', security,
      `Use one of: ${Object.values(EmailSecurity).map((v) => `EmailSecurity.${v}`).join(', ')}.`);
  }
  const timeoutSeconds = struct.timeoutSeconds ?? DEFAULTS.emailTimeoutSeconds;
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 3600) {
    p.add('email.timeoutSeconds', 'is not a whole number of seconds from 1 to 3600', timeoutSeconds, 'Use e.g. 10.');
  }
  if (username !== undefined) {
    const path = struct.username !== undefined ? 'email.username' : 'emailUsername';
    if (/\s/.test(username) || username === '') {
      p.add(path, 'is not an SMTP user name', username, 'Use the user name without spaces; the password goes into .env as EMAIL_PASSWORD.');
    } else {
      checkEnvValue(p, path, username);
    }
    impliedSecrets.push({
      name: EMAIL_PASSWORD,
      variables: [EMAIL_PASSWORD],
      services: [SERVICES.netbox, SERVICES.worker],
      description: `The SMTP password of ${username} at ${server ?? 'the mail server'}`,
    });
  }
  return {
    server: server ?? '',
    port,
    useTls: security === EmailSecurity.STARTTLS,
    useSsl: security === EmailSecurity.TLS,
    username,
    fromAddress: fromAddress ?? '',
    timeoutSeconds,
  };
}

/** IANA names as Django's zoneinfo reads them: case matters (files on Linux), offsets are not names. */
export function checkTimeZone(p: DeclarationProblems, path: string, value: string): boolean {
  let known = false;
  if (typeof value === 'string' && /^[A-Z][A-Za-z0-9_+-]*(?:\/[A-Z0-9][A-Za-z0-9_+-]*)*$/.test(value)) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: value });
      known = true;
    } catch {
      known = false;
    }
  }
  if (known) return true;
  p.add(path, 'is not an IANA time zone name', value, 'Use a name such as "Europe/Berlin", "America/New_York" or "UTC".');
  return false;
}

/** What can only be judged on disk: the IdP CA file must be in the deployment before Pomerium starts. */
export function egressDiskWarnings(model: EgressModel, fileExists: (relativePath: string) => boolean): string[] {
  if (!model.idpCa || fileExists(model.idpCa.file)) return [];
  return [`idpCertificateAuthorityFile: ${model.idpCa.file} is not in the deployment yet. Put the IdP's CA certificate (PEM) there `
    + 'and commit it before npx projen up; Docker would otherwise mount an empty directory and Pomerium would not start.'];
}
