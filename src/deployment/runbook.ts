import { adoptionRunbookSection } from '../adopt/adopt-runbook';
import { automationRunbookSection } from '../api/api-runbook';
import { backupRunbookSection } from '../backup/backup-runbook';
import type { ComposeObject } from '../compose/render-compose';
import { stackDiagramSection } from '../diagram/stack-diagram';
import { egressRunbookSection } from '../egress/egress-runbook';
import { identityRunbookSections } from '../identity/identity-runbook';
import type { StackModel } from '../model/deployment-model';
import { FILES, SERVICES, TASKS } from '../model/stack-names';
import { renderNetboxExtraConfig } from '../netbox/netbox-settings';
import { IdpProvider } from '../pomerium/idp-provider';
import { SECRET_NAMES } from '../secrets/secret-specs';

/**
 * The deployment's README.md: a runbook that follows the declaration. Every host, URL, file and
 * secret name in it comes from the model, so it cannot disagree with the generated files.
 */
export function renderRunbook(model: StackModel, compose: ComposeObject, extraSections: readonly string[][] = []): string[] {
  const { release } = model.netbox;
  return [
    `# ${model.projectName}: NetBox behind Pomerium`,
    '',
    ...stackDiagramSection(model, compose),
    '',
    `NetBox ${release.netbox.join('.')} (netbox-docker ${release.dockerRelease}) at **${model.publicUrl}**, behind Pomerium (login with`
    + ` ${model.idp.provider}) and Traefik. Everything here is generated from ${code('.projenrc.ts')}: edit it, run`
    + ` ${code('npx projen')}, commit. Never edit the generated files by hand.`,
    '',
    ...firstStart(model),
    '## Admins and groups',
    '',
    ...adminNotes(model),
    '',
    ...identityRunbookSections(model),
    '',
    ...automationRunbookSection(model),
    '',
    ...dayToDay(model),
    ...fileTable(model),
    ...backupRunbookSection(model),
    '',
    ...egressRunbookSection(model),
    ...extraSections.flatMap((section) => ['', ...section]),
    '',
  ];
}

const code = (s: string) => `\`${s}\``;
const tasks = (name: string) => `\`npx projen ${name}\``;

/** Sections 1-4: from the IdP registration to the first login. */
function firstStart(model: StackModel): string[] {
  return [
    '## 1. Register the app with your identity provider',
    '',
    `- Redirect (callback) URI: **${code(model.callbackUrl)}**`,
    `- Client id (declared as ${code('idpClientId')}): ${code(model.idp.clientId)}`,
    ...(model.idp.providerUrl ? [`- Provider URL (${code('idpProviderUrl')}): ${code(model.idp.providerUrl)}`] : []),
    ...idpNotes(model),
    '',
    '## 2. Put the client secret into `.env`',
    '',
    `${code(FILES.secrets)} is git-ignored and private (mode 0600). ${code('npx projen')} created every other secret in it and never`
    + ' changes them. Add the one secret it cannot create:',
    '',
    '```sh',
    `echo "${SECRET_NAMES.idpClientSecret}='<the client secret value>'" >> ${FILES.secrets}`,
    '```',
    '',
    `Keep a copy of ${code(FILES.secrets)} in your password manager: the database and Redis passwords also live in their volumes.`,
    '',
    '## 3. DNS and Traefik',
    '',
    `Point ${[model.domain, model.authenticateHost, ...model.apps.map((a) => a.host)].map(code).join(', ')} at Traefik.`,
    '',
    `Traefik must already run with the Docker provider, ${code('exposedByDefault=false')}, the external network`
    + ` ${code(model.traefik.network)}, the entrypoint ${code(model.traefik.entrypoint)} and the certificate resolver`
    + ` ${code(model.traefik.certResolver)}. Only ${code(SERVICES.pomerium)} joins that network and carries Traefik labels.`,
    '',
    '## 4. First start',
    '',
    '```sh',
    `npx projen ${TASKS.doctor}   # checks Docker, Compose, Traefik, DNS, the IdP's issuer and .env; each ✗ line says the fix`,
    `${'npx projen config'}   # docker compose config -q: the compose file and .env are complete`,
    'npx projen up       # docker compose up -d',
    'npx projen ps       # wait until netbox is healthy: the first start runs every migration (up to 5 minutes)',
    '```',
    '',
    `Then open ${model.publicUrl}. Pomerium asks you to log in; NetBox creates your user from the`
    + ` ${code(model.identity.userHeader)} header.`,
    '',
  ];
}

/** Upgrading NetBox and the day-to-day tasks. */
function dayToDay(model: StackModel): string[] {
  return [
    '## Upgrading NetBox',
    '',
    `1. ${tasks('backup')}.`,
    `2. Set ${code('netboxVersion')} in ${code('.projenrc.ts')} to the new netbox-docker tag and run ${code('npx projen')}. If the new`
    + ' release needs another Postgres major version, the synthesis refuses and prints the dump-and-restore steps.',
    `3. ${tasks('pull')}, then ${tasks('up')}. NetBox migrates the database on start.`,
    '',
    ...adoptionRunbookSection(model),
    '',
    '## Day to day',
    '',
    '| Task | What it does |',
    '|---|---|',
    `| ${tasks('up')} / ${tasks('down')} | start or update / stop the stack (volumes stay) |`,
    `| ${tasks('logs')} / ${tasks('ps')} | follow logs / show containers and health |`,
    `| ${tasks('pull')} | pull the pinned images |`,
    `| ${tasks('config')} | validate compose.yaml and .env |`,
    `| ${tasks(TASKS.doctor)} | check the host against the declaration: Docker, Compose, Traefik, DNS, IdP issuer, .env, service health (read-only) |`,
    `| ${tasks('backup')} / ${tasks('restore -- <set>')} / ${tasks('verify-backup -- <set>')} | write a backup set / restore one / prove one restores (see Backups) |`,
    `| ${tasks('users')} / ${tasks('offboard -- <user>')} | review NetBox users / deactivate a leaver, delete their tokens and sessions |`,
    `| ${tasks('break-glass')} | IdP or Pomerium down: NetBox on 127.0.0.1 with a one-time superuser, for a limited time |`,
    `| ${tasks('rotate-secret -- <id>')} | replace one secret on purpose (${model.secrets.map((s) => code(s.id)).join(', ')}) |`,
    '',
  ];
}

/** Which option each generated file derives from. */
function fileTable(model: StackModel): string[] {
  const { release } = model.netbox;
  return [
    '## Where each file comes from',
    '',
    '| File | Derived from |',
    '|---|---|',
    `| ${code(FILES.compose)} | every option: services, networks, volumes, healthchecks, Traefik labels on pomerium |`,
    `| ${code(FILES.pomeriumConfig)} | domain, idp*, allowed*/policy, apps: Pomerium's settings and routes |`,
    `| ${code(FILES.netboxEnv)} | domain, superusers/groups, netboxVersion, isolated, outboundProxy, email, timeZone, netboxEnvironment: NetBox settings (no secrets) |`,
    `| ${code(FILES.postgresEnv)} | the database and role name |`,
    ...(renderNetboxExtraConfig(model)
      ? [`| ${code(FILES.netboxExtraConfig)} | settings netbox-docker ${release.dockerRelease} cannot read from the environment (if present) |`]
      : []),
    `| ${code(FILES.secrets)} | generated once, git-ignored: ${model.secrets.map((s) => code(s.envName)).join(', ')}, and your ${code(SECRET_NAMES.idpClientSecret)}`
    + `${model.userSecrets.map((s) => `, ${code(s.name)}`).join('')} |`,
    `| ${code(FILES.workflow)} | checks that the generated files match .projenrc.ts and that Compose accepts them |`,
    `| ${code(FILES.dataScript)} | the project, services, volume table and backups option: what the backup, restore and verify-backup tasks run |`,
    ...(model.backups.scheduled ? [`| ${code('systemd/')} | backups: the service and timer that run the backup on the host |`] : []),
    `| ${code(FILES.usersScript)} | the project and service names, breakGlass: what the users, offboard and break-glass tasks run |`,
    `| ${code(FILES.doctorFacts)} | hosts, URLs, Traefik names, secret and service names: what ${tasks(TASKS.doctor)} checks the host against |`,
    ...(model.swarm
      ? [`| ${code(FILES.stack)} | compose.yaml, converted for \`docker stack deploy\` (swarm, swarmOptions) |`,
        `| ${code(FILES.stackScript)} | the secrets and configs of the stack: what the stack-deploy and stack-rm tasks run |`]
      : []),
    '',
  ];
}

function idpNotes(model: StackModel): string[] {
  switch (model.idp.provider) {
    case IdpProvider.AZURE:
      return [
        '- Entra ID: App registrations, New registration, platform "Web" with the redirect URI above; under "Certificates & secrets"',
        '  create a client secret and use its **Value** (not its id); under "Token configuration" add a groups claim with',
        '  "Groups assigned to the application" (Group ID), not all groups: see "Groups and superusers" below (200-group limit).',
        '  Group ids arrive as GUIDs: use them in allowedGroups and superuserGroups.',
      ];
    default:
      return [`- In your ${model.idp.provider} console, create an OAuth/OIDC web application with the redirect URI above.`];
  }
}

function adminNotes(model: StackModel): string[] {
  const lines: string[] = [];
  const { superusers, superuserGroups, defaultGroups, groupSync } = model.netbox;
  if (groupSync) {
    lines.push(`Group sync is on: at every login NetBox takes the user's groups from the ${'`'}${model.identity.groupHeader}${'`'} header`
      + ' (the IdP\'s groups claim) and decides the superuser flag anew.');
    if (superusers.length > 0) lines.push(`Superusers: ${superusers.map((u) => `\`${u}\``).join(', ')}.`);
    if (superuserGroups.length > 0) lines.push(`Members of these IdP groups are superusers: ${superuserGroups.map((g) => `\`${g}\``).join(', ')}.`);
  } else {
    lines.push('Nobody is made an admin by the declaration yet.');
  }
  if (defaultGroups.length > 0) lines.push(`New users join: ${defaultGroups.map((g) => `\`${g}\``).join(', ')}.`);
  lines.push('',
    'To make someone an admin, add their e-mail to `superusers` (or their IdP group to `superuserGroups`) in `.projenrc.ts`,',
    'run `npx projen` and `npx projen up`; it takes effect at their next login. No manual step in the NetBox admin is needed.',
    'To give a user group permissions, create a NetBox group named exactly like the IdP group (Entra ID: its GUID) and assign',
    'permissions to it; with group sync on, members land in it at login. Without group sync, list groups in `defaultGroups`.');
  return lines;
}
