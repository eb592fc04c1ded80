import { Criteria, Matcher, Policy } from './policy';
import { checkPomeriumImageVersion } from './pomerium-version';
import { DEFAULTS } from '../model/defaults';
import type { PomeriumModel } from '../model/deployment-model';
import type { DeclarationProblems } from '../model/problems';
import { checkDomainName, checkEmail, checkPinnedImage, checkPort, checkToken } from '../model/validators';
import type { NetboxPomeriumProjectOptions } from '../netbox-pomerium-options';

/** Ports Pomerium uses itself inside its container (internal gRPC, health checks). */
const POMERIUM_RESERVED_PORTS = [5443, 28080];

/** Pomerium's image and the port it listens on behind Traefik. */
export function resolvePomerium(p: DeclarationProblems, options: NetboxPomeriumProjectOptions): PomeriumModel {
  const pomerium = {
    image: options.pomeriumImage ?? DEFAULTS.pomeriumImage,
    port: options.pomeriumPort ?? DEFAULTS.pomeriumPort,
  };
  if (checkPinnedImage(p, 'pomeriumImage', pomerium.image)) checkPomeriumImageVersion(p, 'pomeriumImage', pomerium.image);
  if (checkPort(p, 'pomeriumPort', pomerium.port) && POMERIUM_RESERVED_PORTS.includes(pomerium.port)) {
    p.add('pomeriumPort', 'conflicts with a port Pomerium uses itself', pomerium.port,
      `Choose another port; ${POMERIUM_RESERVED_PORTS.join(' and ')} are taken inside the Pomerium container.`);
  }
  return pomerium;
}

/**
 * The rendered PPL of the `allowed*` options (one allow rule: any of them matches) followed by the
 * rules of `policy`. Each part is checked under its own option path.
 */
export function resolveDeclaredPolicy(p: DeclarationProblems, options: NetboxPomeriumProjectOptions, groupsClaim: string,
  warnings: string[]): unknown[] {
  const criteria: Criteria[] = [];
  (options.allowedDomains ?? []).forEach((d, i) => {
    if (checkDomainName(p, `allowedDomains[${i}]`, d)) criteria.push(Criteria.domain(d));
  });
  (options.allowedGroups ?? []).forEach((g, i) => {
    if (checkToken(p, `allowedGroups[${i}]`, g, 'group id')) criteria.push(Criteria.claim(groupsClaim, Matcher.has(g)));
  });
  (options.allowedEmails ?? []).forEach((e, i) => {
    if (checkEmail(p, `allowedEmails[${i}]`, e)) criteria.push(Criteria.email(e));
  });
  const fromFlags = criteria.length > 0 ? Policy.allow(Criteria.or(...criteria)) : Policy.nobody();
  const declared = options.policy ?? Policy.nobody();
  if (fromFlags.isEmpty && declared.isEmpty) {
    warnings.push('The policy is empty, so Pomerium lets nobody in. Set allowedDomains, allowedEmails, allowedGroups or policy in .projenrc.ts.');
  }
  return [...fromFlags._render(p, '(allowed* options)'), ...resolvePolicy(p, declared, 'policy', warnings, !fromFlags.isEmpty)];
}

/** A declared policy as PPL, with warnings about policies that let nobody, or anybody, in. */
export function resolvePolicy(p: DeclarationProblems, policy: Policy, path: string, warnings: string[], otherAllowRules = false): unknown[] {
  if (!policy.isEmpty && !policy.hasAllowRule && !otherAllowRules) {
    warnings.push(`${path} has deny rules only, so Pomerium lets nobody in. Add an allow rule (Policy.allow) or allowed* options.`);
  }
  if (policy._allowsAnonymous) {
    warnings.push(`${path} allows requests without a login (Criteria.accept()): the app behind it is public. `
      + 'Use Criteria.authenticatedUser() to require a login.');
  }
  return policy._render(p, path);
}
