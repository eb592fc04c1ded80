import { PROXY_SECRET } from './egress-resolve';
import { composeCommand } from '../deployment/deployment-tasks';
import type { StackModel } from '../model/deployment-model';
import { FILES, NETBOX_MANAGE, NETBOX_PYTHON, SERVICES } from '../model/stack-names';
import { netboxFeatures } from '../netbox/netbox-releases';

const code = (s: string) => `\`${s}\``;

/**
 * The runbook section on what NetBox reaches outside the stack: the egress network or isolation,
 * the proxy, e-mail (with a test mail), the time zone, and where each secret the user supplies goes.
 */
export function egressRunbookSection(model: StackModel): string[] {
  return [
    '## Reaching outside: egress, proxy, e-mail',
    '',
    ...networkNotes(model),
    ...proxyNotes(model),
    ...emailNotes(model),
    ...(model.egress.timeZone ? ['', `NetBox's time zone (${code('TIME_ZONE')}, from ${code('timeZone')}) is ${code(model.egress.timeZone)}.`] : []),
    ...userSecretNotes(model),
  ];
}

function networkNotes(model: StackModel): string[] {
  const { egress } = model;
  const features = netboxFeatures(model.netbox.release);
  if (egress.isolated) {
    return [
      `${code('isolated')} is set: NetBox and its worker sit only on the internal network ${code('netbox')} and cannot reach anything`
      + ' outside Docker. What that turns off:',
      '',
      ...(features.isolatedDeployment
        ? [`- ${code('ISOLATED_DEPLOYMENT')} is on: no plugin catalog, no RSS news widget, no NetBox Copilot in the browser.`]
        : ['- This NetBox release has no `ISOLATED_DEPLOYMENT` setting (NetBox 4.1 added it).']),
      ...(features.census ? [`- Census reporting is off (${code('CENSUS_REPORTING_ENABLED')} is False).`] : []),
      `- The release check is off (${code('RELEASE_CHECK_URL')} is never set).`,
      '- Webhooks and event rules, e-mail to a server outside, Git and S3 data sources and plugins that call other systems fail.',
    ];
  }
  return [
    `NetBox's web service and worker also join the network ${code(egress.network!)}: not internal, no published ports, no other member.`
    + ` Postgres and both Redis services stay on the internal network ${code('netbox')} only, and nothing but Pomerium joins Traefik's`
    + ` network ${code(model.traefik.network)}. What needs the egress network:`,
    '',
    `- Webhooks and event rules, Git and S3 data sources, census reporting and the release check (if you set ${code('RELEASE_CHECK_URL')}): the worker.`,
    '- E-mail: the web service and the worker.',
    '- The plugin catalog and the RSS news widget: the web service. Plugins that call other systems: either.',
    '',
    `To keep NetBox air-gapped instead, set ${code('isolated: true')}.`,
  ];
}

function proxyNotes(model: StackModel): string[] {
  const proxy = model.egress.proxy;
  const lines: string[] = [''];
  if (proxy) {
    lines.push(proxy.credentialsSecret
      ? `Outbound HTTP(S) goes through the proxy ${code(proxy.url)}; its URL with credentials is the secret ${code(PROXY_SECRET)} in`
        + ` ${code(FILES.secrets)}, which becomes ${code('HTTP_PROXY')} and ${code('HTTPS_PROXY')}.`
      : `Outbound HTTP(S) goes through the proxy ${code(proxy.url)} (${code('HTTP_PROXY')}, ${code('HTTPS_PROXY')}).`,
    `${code('NO_PROXY')} keeps the stack's own services direct: ${code(proxy.noProxy.join(','))}.`);
    lines.push(proxy.forPomerium
      ? 'Pomerium gets the same proxy variables (`outboundProxyForPomerium`): its own HTTP clients (IdP discovery, token exchange)'
        + ' honour them; Envoy\'s connections to the routes\' upstreams do not (pomerium#3875), and those stay inside Docker anyway.'
      : 'Pomerium reaches the IdP directly from Traefik\'s network; where every outbound connection must use the proxy, set `outboundProxyForPomerium: true`.');
  } else {
    lines.push('NetBox connects directly; where outbound HTTP must go through a proxy, set `outboundProxy` (and `outboundProxyCredentials`'
      + ' when it needs a user and password: the URL with them then goes into `.env`, never into a committed file).');
  }
  if (model.egress.idpCa) {
    lines.push(`Pomerium trusts the private CA in ${code(model.egress.idpCa.file)} for the IdP (${code('certificate_authority_file')}); commit that file.`);
  } else {
    lines.push('An IdP whose certificate comes from a private CA: commit the CA certificate and set `idpCertificateAuthorityFile` (Pomerium\'s `certificate_authority_file`).');
  }
  return lines;
}

function emailNotes(model: StackModel): string[] {
  const email = model.egress.email;
  if (!email) return ['', 'NetBox sends no mail: set `emailServer` and `emailFrom` (or `email`) to give it an SMTP server.'];
  const security = email.useSsl ? 'TLS' : email.useTls ? 'STARTTLS' : 'no encryption';
  return [
    '',
    `NetBox sends mail through ${code(`${email.server}:${email.port}`)} (${security}) as ${code(email.fromAddress)}`
    + `${email.username ? `, logging in as ${code(email.username)} with ${code('EMAIL_PASSWORD')} from ${code(FILES.secrets)}` : ''}. A test mail:`,
    '',
    '```sh',
    `${composeCommand(model)} exec ${SERVICES.netbox} ${NETBOX_PYTHON} ${NETBOX_MANAGE} sendtestemail you@example.org`,
    '```',
  ];
}

function userSecretNotes(model: StackModel): string[] {
  if (model.userSecrets.length === 0) return [];
  return [
    '',
    '### Secrets you supply',
    '',
    `Each has an empty placeholder line in ${code(FILES.secrets)} (git-ignored, never committed); fill it in before ${code('npx projen up')}:`
    + ' docker compose refuses to start while one is empty and names it.',
    '',
    '| Secret | Reaches | What it is |',
    '|---|---|---|',
    ...model.userSecrets.map((s) => `| ${code(s.name)} | ${s.services.map(code).join(', ')}`
      + `${s.variables.join() !== s.name ? ` as ${s.variables.map(code).join(', ')}` : ''} | ${s.description || '-'} |`),
    ...(model.swarm
      ? ['', 'In the Swarm stack each is a Swarm secret: netbox-docker reads `EMAIL_PASSWORD` from `/run/secrets/email_password`;'
        + ' every other one is the file named by `<NAME>_FILE` (`/run/secrets/<name>`), which its reader must open.']
      : []),
  ];
}
