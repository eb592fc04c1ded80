import { superuserSourceWarnings } from './user-lifecycle';
import { BREAK_GLASS_FILES, REVIEW_DAYS } from './users-script';
import type { StackModel } from '../model/deployment-model';
import { FILES } from '../model/stack-names';
import { IDP_PRESETS, IdpPreset } from '../pomerium/idp-provider';

const code = (s: string) => `\`${s}\``;

/**
 * The runbook's sections on identity over time: which groups the IdP should send and who should be
 * a superuser, how to offboard a leaver and review users, and the break-glass way in. Every name,
 * port and task in them comes from the model.
 */
export function identityRunbookSections(model: StackModel): string[] {
  return [...groupsSection(model), '', ...leaversSection(model), '', ...breakGlassSection(model)];
}

function groupsSection(model: StackModel): string[] {
  const preset: IdpPreset | undefined = IDP_PRESETS[model.idp.provider];
  const { superusers, superuserGroups, groupSync } = model.netbox;
  const warnings = superuserSourceWarnings(model.idp.provider, superusers, superuserGroups);
  return [
    '## Groups and superusers',
    '',
    'With group sync on, NetBox replaces a user\'s groups with the IdP\'s groups claim at every login and sets the superuser flag anew. '
      + 'A groups claim that is missing at a login (too many groups, a claim not configured) takes every group and the superuser '
      + 'flag away. Group changes in the IdP reach NetBox only at the next NetBox login.',
    '',
    `- Send only the groups that matter (${model.idp.provider}): ${preset?.groupsScope ?? 'configure the IdP to send only NetBox\'s groups.'}`,
    ...(preset?.groupsClaimRisk ? [`- Why the claim can be missing: ${preset.groupsClaimRisk}.`] : []),
    '- Pomerium cannot filter the claim here: its `jwt_groups_filter` is read only from Pomerium Enterprise settings, not from '
      + `${code('pomerium/config.yaml')}, so the IdP must do it.`,
    `- Name admins by e-mail in ${code('superusers')}: that survives a missing groups claim. Use ${code('superuserGroups')} only `
      + 'next to them, never as the only way to become an admin.',
    ...(groupSync ? [] : ['- Group sync is off in this declaration: NetBox keeps the groups you assign in NetBox.']),
    ...warnings.map((w) => `- **Warning:** ${w}`),
  ];
}

function leaversSection(model: StackModel): string[] {
  const task = (name: string) => code(`npx projen ${name}`);
  return [
    '## Leavers and periodic review',
    '',
    'Removing someone from the IdP stops new logins through Pomerium, but their NetBox user stays active, their API tokens keep '
      + 'working and their NetBox session lasts until it expires. When someone leaves:',
    '',
    '1. Remove them in the IdP (and from `allowedEmails` / `superusers` in `.projenrc.ts` if they are listed; then `npx projen`).',
    `2. ${task('offboard -- <user>')} (the user name is the e-mail the IdP sends). In the running NetBox it deactivates the user, `
      + 'clears their superuser and staff flags, deletes their API tokens and ends their sessions, in one transaction, and prints '
      + 'each step. An unknown user name changes nothing and is refused, with similar names.',
    '',
    `Review access every month or quarter with ${task('users')}: every NetBox user with active and superuser flags, last login and `
      + `number of API tokens; active users without a login for ${REVIEW_DAYS} days are flagged. Both tasks run NetBox's `
      + `${code('manage.py shell')} in the running ${code('netbox')} container (script: ${code(FILES.usersScript)}).`,
    ...(model.swarm
      ? ['', `On Swarm use ${task('stack-users')} and ${task('stack-offboard -- <user>')} on a node that runs a NetBox task `
        + `(${code(`docker service ps ${model.projectName}_netbox`)}): they run the same Python with ${code('docker exec')} in that task.`]
      : []),
  ];
}

function breakGlassSection(model: StackModel): string[] {
  const { breakGlassPort: port, breakGlassMinutes: minutes, breakGlassMaxMinutes: max } = model.lifecycle;
  return [
    '## Break glass',
    '',
    `Use ${code('npx projen break-glass')} only when the IdP or Pomerium is down and NetBox is needed now. It is not a second way `
      + 'in for daily work: every other day, fix access in the IdP and `.projenrc.ts`.',
    '',
    `On the Docker host it starts a second NetBox container with remote auth off, reachable only at **http://localhost:${port}/login/** `
      + '(published on 127.0.0.1 only, never on another address), creates a one-time superuser with a random password and prints both, '
      + `loudly. From your desk: ${code(`ssh -L ${port}:127.0.0.1:${port} <docker host>`)}. After ${minutes} minutes `
      + `(${code('-- --minutes <n>')}, at most ${max}; ${code('-- --port <port>')} for another port), on Ctrl-C or on SIGTERM it deletes `
      + 'the user, removes the container and its network, and says so.',
    '',
    `- Every opening and closing is appended to ${code(BREAK_GLASS_FILES.log)} (git-ignored) with time and operator; the password is `
      + 'never written down. Changes made meanwhile are in NetBox\'s changelog under the break-glass user name.',
    `- While one is open (${code(BREAK_GLASS_FILES.lock)} exists), another refuses to start. If the host crashed while it was open, `
      + `${code('npx projen break-glass -- close')} deletes the user and removes what is left.`,
    '- The generated files never publish NetBox: the break-glass container and its compose file exist only while the task runs.',
    ...(model.swarm
      ? ['- Swarm: break-glass is Compose-only. A Swarm service cannot publish a port on 127.0.0.1 alone (a published port listens on '
        + 'every address of the node), and NetBox\'s overlay network is internal and not attachable, so no temporary container can '
        + 'join it. Keep Pomerium\'s IdP healthy, and keep a Compose copy of the declaration (restored from a backup) for an outage.']
      : []),
  ];
}
