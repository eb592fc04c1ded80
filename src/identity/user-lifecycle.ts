import { DeclarationProblems } from '../model/problems';
import { checkPort } from '../model/validators';
import type { NetboxPomeriumProjectOptions } from '../netbox-pomerium-options';
import { IDP_PRESETS, IdpPreset, IdpProvider } from '../pomerium/idp-provider';

export const BREAK_GLASS_DEFAULTS = { port: 18080, minutes: 30, maxMinutes: 480 } as const;

/** What the user tasks (users, offboard, break-glass) need beyond the rest of the model. */
export interface UserLifecycleModel {
  /** The port break-glass publishes NetBox on, always on 127.0.0.1. */
  readonly breakGlassPort: number;
  /** Minutes until break-glass closes by itself, unless given on the command line. */
  readonly breakGlassMinutes: number;
  /** The most minutes the command line may ask for. */
  readonly breakGlassMaxMinutes: number;
}

/**
 * Validates `breakGlass` and warns when the declaration's superusers depend on the groups claim
 * alone: NetBox's group sync sets the superuser flag anew at every login, so a claim the IdP leaves
 * out (Entra ID above 200 groups) takes every admin's rights away at their next login.
 */
export function resolveUserLifecycle(p: DeclarationProblems, options: NetboxPomeriumProjectOptions, provider: IdpProvider,
  warnings: string[]): UserLifecycleModel {
  const port = options.breakGlass?.port ?? BREAK_GLASS_DEFAULTS.port;
  checkPort(p, 'breakGlass.port', port);
  const minutes = options.breakGlass?.minutes ?? BREAK_GLASS_DEFAULTS.minutes;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > BREAK_GLASS_DEFAULTS.maxMinutes) {
    p.add('breakGlass.minutes', `is not a whole number of minutes from 1 to ${BREAK_GLASS_DEFAULTS.maxMinutes}`, minutes,
      'Break glass is for an outage, not a second way in: choose e.g. 30 and pass --minutes for a longer one.');
  }
  warnings.push(...superuserSourceWarnings(provider, options.superusers ?? [], options.superuserGroups ?? []));
  return { breakGlassPort: port, breakGlassMinutes: minutes, breakGlassMaxMinutes: BREAK_GLASS_DEFAULTS.maxMinutes };
}

/** The warning for a declaration whose only superusers come from the groups claim (none otherwise). */
export function superuserSourceWarnings(provider: IdpProvider, superusers: readonly string[], superuserGroups: readonly string[]): string[] {
  if (superuserGroups.length === 0 || superusers.length > 0) return [];
  const preset: IdpPreset | undefined = IDP_PRESETS[provider];
  const risk = preset?.groupsClaimRisk
    ? `${preset.groupsClaimRisk}. A login without the claim clears the flag`
    : 'a login whose groups claim lacks the group (a directory change, a renamed group) clears the flag';
  return [`superuserGroups: the only superusers come from group sync (got ${JSON.stringify(superuserGroups)}). NetBox sets the `
    + `superuser flag anew from the groups claim at every login, and ${risk}, leaving no admin. Add at least one admin by e-mail `
    + 'to superusers, which does not depend on the claim; keep `npx projen break-glass` for the day the IdP is down.'];
}
