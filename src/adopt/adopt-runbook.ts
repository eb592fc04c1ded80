import { VOLUME_OPTIONS } from './adoption-model';
import type { StackModel } from '../model/deployment-model';
import { SECRETS_FILE } from '../model/stack-names';

/** The runbook section "Adopting an existing NetBox": how to, or what this deployment took over. */
export function adoptionRunbookSection(model: StackModel): string[] {
  const code = (s: string) => `\`${s}\``;
  const a = model.adoption;
  const lines = ['## Adopting an existing NetBox', ''];
  if (!a) {
    return [...lines,
      'To move a running NetBox (a netbox-docker checkout or a hand-written compose file) into this deployment without losing',
      'its data, run once, before the first `npx projen up`:',
      '',
      '```sh',
      'npx projen adopt -- ../old-netbox/docker-compose.yml   # reads it and its env files; changes nothing if it refuses',
      'npx projen                                             # compose.yaml now names the old volumes',
      '```',
      '',
      'It takes over the old Compose project name and volumes (Postgres data, media, reports, scripts, Redis), the secrets',
      `(Postgres and Redis passwords, ${code('SECRET_KEY')}, the API token pepper, the IdP client secret and Pomerium cookie secret when`,
      `present) into ${code(SECRETS_FILE)} (the previous one is kept as ${code(`${SECRETS_FILE}.before-adopt`)}), the Postgres image and data path,`,
      'the nearest supported NetBox release and the claim NetBox takes the user name from, and records them in the `adoption`',
      'option of `.projenrc.ts`. NetBox below 3.7 cannot go to 4.x in one step, and a Postgres too old for the release needs a',
      'dump and restore: adopt refuses those and names the way. Stop the old stack before `npx projen up`.'];
  }
  return [...lines,
    `This deployment took over ${a.composeFile ? code(a.composeFile) : 'an existing NetBox'} (the ${code('adoption')} option; keep it):`,
    '',
    `- Compose project ${code(a.projectName)} (compose.yaml's ${code('name:')}); NetBox ${a.netbox.join('.')} from ${code(a.netboxImage)}.`,
    `- Postgres stays ${code(a.postgresImage)} with its data at ${code(a.postgresDataPath)}; a newer major goes through`
      + ' `npx projen backup`, `allowPostgresUpgrade` and `npx projen restore` (the synthesis prints the steps).',
    ...VOLUME_OPTIONS.filter(([role]) => a.volumes[role]).map(([role]) => `- ${role} volume: ${code(a.volumes[role]!)} (external: Compose refuses to start without it)`),
    `- Users are named by the ${code(a.userClaim)} claim, as before.`,
    '',
    'Never run the old stack and this one at the same time: two Postgres servers on one volume corrupt it.'];
}
