/**
 * Values a person leaves in place of a secret: `<...>` templates (the generated `.env` and the
 * runbook use them) and the usual stand-in words. One rule for adopt (which does not take such a
 * value over) and the doctor (which reports it).
 */
export function isPlaceholderSecret(value: string): boolean {
  return /^<.*>$/.test(value.trim()) || /^(changeme|change-me|replace-?me|placeholder|todo|secret|xxx+)$/i.test(value.trim());
}
