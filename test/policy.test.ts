import { Criteria, CriterionName, Matcher, NetboxPomeriumProjectOptions, Policy } from '../src';
import { SEED, synth } from './util';
import { compileDeployment } from '../src/plan/compile';

/** The seed declaration without its allowed* flags, so `policy` alone decides. */
const NO_FLAGS: NetboxPomeriumProjectOptions = { ...SEED, allowedDomains: undefined, allowedGroups: undefined, allowedEmails: undefined };

/** The PPL of NetBox's route for a declaration. */
function routePolicy(overrides: Partial<NetboxPomeriumProjectOptions>): unknown {
  return compileDeployment({ ...NO_FLAGS, ...overrides }).model.routes[0].policy;
}

/** PPL of `Policy.allow(criteria)`: a bare criterion is wrapped in `and`. */
function allowOne(criteria: Criteria): unknown {
  return routePolicy({ policy: Policy.allow(criteria) });
}

/** The error a declaration is refused with. */
function refusal(overrides: Partial<NetboxPomeriumProjectOptions>): string {
  try {
    compileDeployment({ ...NO_FLAGS, ...overrides }).model;
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('the declaration was accepted');
}

describe('each criterion renders as PPL (policy option)', () => {
  test.each<[string, Criteria, unknown]>([
    ['domain', Criteria.domain('example.org'), { domain: { is: 'example.org' } }],
    ['email', Criteria.email('user@example.com'), { email: { is: 'user@example.com' } }],
    ['user', Criteria.user('00u1abcd'), { user: { is: '00u1abcd' } }],
    ['groups = claim/groups has', Criteria.groups('62f8f72a-3e06-11ec-9bbc-0242ac130002'),
      { 'claim/groups': { has: '62f8f72a-3e06-11ec-9bbc-0242ac130002' } }],
    ['claim/<name>', Criteria.claim('department', Matcher.has('network')), { 'claim/department': { has: 'network' } }],
    ['nested claim', Criteria.claim('realm_access/roles', Matcher.has('netbox')), { 'claim/realm_access/roles': { has: 'netbox' } }],
    ['authenticated_user', Criteria.authenticatedUser(), { authenticated_user: true }],
    ['accept', Criteria.accept(), { accept: true }],
    ['reject', Criteria.reject(), { reject: true }],
    ['http_method', Criteria.httpMethod('GET'), { http_method: { is: 'GET' } }],
    ['http_path', Criteria.httpPath('/api/status/'), { http_path: { is: '/api/status/' } }],
    ['source_ip, one range', Criteria.sourceIp('10.0.0.0/8'), { source_ip: '10.0.0.0/8' }],
    ['source_ip, several', Criteria.sourceIp('192.0.2.7', '2001:db8::/32'), { source_ip: ['192.0.2.7', '2001:db8::/32'] }],
  ])('%s', (_name, criteria, ppl) => {
    expect(allowOne(criteria)).toEqual([{ allow: { and: [ppl] } }]);
  });
});

describe('each matcher renders as PPL', () => {
  test.each<[string, Criteria, unknown]>([
    ['is', Criteria.matching(CriterionName.EMAIL, Matcher.exactly('a@example.org')), { email: { is: 'a@example.org' } }],
    ['starts_with', Criteria.matching(CriterionName.HTTP_PATH, Matcher.startsWith('/api/')), { http_path: { starts_with: '/api/' } }],
    ['ends_with', Criteria.matching(CriterionName.EMAIL, Matcher.endsWith('@example.org')), { email: { ends_with: '@example.org' } }],
    ['contains', Criteria.matching(CriterionName.USER, Matcher.contains('admin')), { user: { contains: 'admin' } }],
    ['not', Criteria.matching(CriterionName.DOMAIN, Matcher.isNot('example.com')), { domain: { not: 'example.com' } }],
    ['in', Criteria.matching(CriterionName.DOMAIN, Matcher.oneOf('example.org', 'example.net')),
      { domain: { in: ['example.org', 'example.net'] } }],
    ['in with one value stays a list', Criteria.matching(CriterionName.HTTP_METHOD, Matcher.oneOf('GET')), { http_method: { in: ['GET'] } }],
    ['not_in', Criteria.matching(CriterionName.HTTP_METHOD, Matcher.noneOf('POST', 'DELETE')),
      { http_method: { not_in: ['POST', 'DELETE'] } }],
    ['has', Criteria.claim('groups', Matcher.has('admins')), { 'claim/groups': { has: 'admins' } }],
    ['is (claim: exactly one value)', Criteria.claim('groups', Matcher.exactly('admins')), { 'claim/groups': { is: 'admins' } }],
    ['exclude (one value, as PPL compares it)', Criteria.claim('groups', Matcher.exclude('contractors')),
      { 'claim/groups': { exclude: 'contractors' } }],
  ])('%s', (_name, criteria, ppl) => {
    expect(allowOne(criteria)).toEqual([{ allow: { and: [ppl] } }]);
  });
});

describe('operators and actions', () => {
  const a = Criteria.domain('example.org');
  const b = Criteria.email('user@example.com');
  test.each<[string, Criteria, unknown]>([
    ['and', Criteria.and(a, b), { and: [{ domain: { is: 'example.org' } }, { email: { is: 'user@example.com' } }] }],
    ['or', Criteria.or(a, b), { or: [{ domain: { is: 'example.org' } }, { email: { is: 'user@example.com' } }] }],
    ['not (none match)', Criteria.not(a, b), { not: [{ domain: { is: 'example.org' } }, { email: { is: 'user@example.com' } }] }],
    ['nor (not all match)', Criteria.nor(a, b), { nor: [{ domain: { is: 'example.org' } }, { email: { is: 'user@example.com' } }] }],
  ])('allow %s', (_name, criteria, ppl) => {
    expect(allowOne(criteria)).toEqual([{ allow: ppl }]);
  });

  test('deny rules follow allow rules in declaration order; combine keeps every rule', () => {
    const policy = Policy.combine(
      Policy.allow(Criteria.or(a, b)),
      Policy.deny(Criteria.matching(CriterionName.HTTP_METHOD, Matcher.oneOf('DELETE'))),
      Policy.allow(Criteria.and(Criteria.authenticatedUser(), Criteria.sourceIp('10.0.0.0/8'))),
    );
    expect(routePolicy({ policy })).toEqual([
      { allow: { or: [{ domain: { is: 'example.org' } }, { email: { is: 'user@example.com' } }] } },
      { deny: { and: [{ http_method: { in: ['DELETE'] } }] } },
      { allow: { and: [{ authenticated_user: true }, { source_ip: '10.0.0.0/8' }] } },
    ]);
  });

  test('Policy.nobody() renders no rule, and says that nobody gets in', () => {
    const model = compileDeployment({ ...NO_FLAGS, policy: Policy.nobody() }).model;
    expect(model.routes[0].policy).toEqual([]);
    expect(model.warnings).toContainEqual(expect.stringMatching(/^The policy is empty, so Pomerium lets nobody in\./));
  });

  test('a deny-only policy is kept but warned about', () => {
    const model = compileDeployment({ ...NO_FLAGS, policy: Policy.deny(a) }).model;
    expect(model.routes[0].policy).toEqual([{ deny: { and: [{ domain: { is: 'example.org' } }] } }]);
    expect(model.warnings).toContainEqual(expect.stringMatching(/^policy has deny rules only, so Pomerium lets nobody in\./));
  });

  test('an allow rule with accept is warned about as public; under not it is not', () => {
    expect(compileDeployment({ ...NO_FLAGS, policy: Policy.allow(Criteria.or(a, Criteria.accept())) }).model.warnings)
      .toContainEqual(expect.stringMatching(/^policy allows requests without a login \(Criteria\.accept\(\)\)/));
    expect(compileDeployment({ ...NO_FLAGS, policy: Policy.allow(Criteria.nor(Criteria.accept())) }).model.warnings)
      .not.toContainEqual(expect.stringMatching(/without a login/));
  });
});

describe('the allowed* flags build on the same builder', () => {
  test('each flag alone', () => {
    expect(routePolicy({ allowedDomains: ['example.org', 'example.net'] }))
      .toEqual([{ allow: { or: [{ domain: { is: 'example.org' } }, { domain: { is: 'example.net' } }] } }]);
    expect(routePolicy({ allowedEmails: ['user@example.com'] })).toEqual([{ allow: { or: [{ email: { is: 'user@example.com' } }] } }]);
    expect(routePolicy({ allowedGroups: ['62f8f72a-3e06-11ec-9bbc-0242ac130002'] }))
      .toEqual([{ allow: { or: [{ 'claim/groups': { has: '62f8f72a-3e06-11ec-9bbc-0242ac130002' } }] } }]);
  });

  test('flags become one allow rule (any match), followed by the rules of policy', () => {
    expect(routePolicy({
      allowedDomains: ['example.org'],
      allowedEmails: ['user@example.com'],
      policy: Policy.deny(Criteria.claim('groups', Matcher.has('contractors'))),
    })).toEqual([
      { allow: { or: [{ domain: { is: 'example.org' } }, { email: { is: 'user@example.com' } }] } },
      { deny: { and: [{ 'claim/groups': { has: 'contractors' } }] } },
    ]);
  });

  test('a deny-only policy next to allowed* flags is not "deny only"', () => {
    const model = compileDeployment({ ...NO_FLAGS, allowedDomains: ['example.org'], policy: Policy.deny(Criteria.reject()) }).model;
    expect(model.warnings).not.toContainEqual(expect.stringMatching(/deny rules only/));
  });

  test('the rendered config.yaml carries the policy under the route, as PPL', () => {
    const s = synth({ policy: Policy.deny(Criteria.matching(CriterionName.HTTP_PATH, Matcher.startsWith('/admin/'))) });
    expect(s.pomerium.routes[0].policy).toEqual([
      {
        allow: {
          or: [
            { domain: { is: 'example.org' } },
            { 'claim/groups': { has: '62f8f72a-3e06-11ec-9bbc-0242ac130002' } },
            { email: { is: 'user@example.com' } },
          ],
        },
      },
      { deny: { and: [{ http_path: { starts_with: '/admin/' } }] } },
    ]);
  });
});

describe('invalid combinations are refused with the option path, the value and the fix', () => {
  test.each<[string, Policy, RegExp]>([
    ['has on email', Policy.allow(Criteria.or(Criteria.domain('example.org'), Criteria.matching(CriterionName.EMAIL, Matcher.has('x@example.org')))),
      /policy\[0\]\.allow\.or\[1\]\.email: does not accept the "has" matcher \(got "has"\)\. Use one of is, starts_with, ends_with, contains, not, in, not_in; has and exclude are for claims/],
    ['exclude on domain', Policy.allow(Criteria.matching(CriterionName.DOMAIN, Matcher.exclude('example.com'))),
      /policy\[0\]\.allow\.and\[0\]\.domain: does not accept the "exclude" matcher \(got "exclude"\)/],
    ['starts_with on a claim', Policy.allow(Criteria.claim('groups', Matcher.startsWith('net'))),
      /policy\[0\]\.allow\.and\[0\]\.claim\/groups: does not accept the "starts_with" matcher \(got "starts_with"\)\. A claim is a list of values: use one of has, is, exclude/],
    ['in on a claim', Policy.allow(Criteria.claim('groups', Matcher.oneOf('a', 'b'))),
      /policy\[0\]\.allow\.and\[0\]\.claim\/groups: does not accept the "in" matcher/],
    ['an empty or', Policy.allow(Criteria.or()), /policy\[0\]\.allow\.or: "or" has no criteria \(got \[\]\)\. Give Criteria\.or\(\.\.\.\) at least one criterion\./],
    ['an empty nor in a deny rule', Policy.combine(Policy.allow(Criteria.accept()), Policy.deny(Criteria.nor())),
      /policy\[1\]\.deny\.nor: "nor" has no criteria/],
    ['a nested operator', Policy.allow(Criteria.and(Criteria.domain('example.org'), Criteria.or(Criteria.email('a@example.org')))),
      /policy\[0\]\.allow\.and\[1\]: nests the "or" operator inside "and", which PPL does not allow \(got "or"\)\. Operators hold criteria only/],
    ['a bad CIDR', Policy.allow(Criteria.sourceIp('10.0.0.0/33')),
      /policy\[0\]\.allow\.and\[0\]\.source_ip: is not an IP address or CIDR range \(got "10\.0\.0\.0\/33"\)\. Use e\.g\. "10\.0\.0\.0\/8"/],
    ['a host name as IP', Policy.allow(Criteria.sourceIp('10.0.0.0/8', 'gateway.example.org')),
      /policy\[0\]\.allow\.and\[0\]\.source_ip\[1\]: is not an IP address or CIDR range \(got "gateway\.example\.org"\)/],
    ['no address', Policy.allow(Criteria.sourceIp()), /policy\[0\]\.allow\.and\[0\]\.source_ip: has no address \(got \[\]\)/],
    ['a bad e-mail', Policy.allow(Criteria.email('not-an-address')),
      /policy\[0\]\.allow\.and\[0\]\.email: is not an e-mail address \(got "not-an-address"\)/],
    ['a bad domain in a list', Policy.allow(Criteria.matching(CriterionName.DOMAIN, Matcher.oneOf('example.org', 'exa mple.org'))),
      /policy\[0\]\.allow\.and\[0\]\.domain\.in\[1\]: is not an e-mail domain \(got "exa mple\.org"\)/],
    ['an empty in list', Policy.allow(Criteria.matching(CriterionName.DOMAIN, Matcher.oneOf())),
      /policy\[0\]\.allow\.and\[0\]\.domain: has an empty "in" list \(got \[\]\)/],
    ['a lower-case method', Policy.allow(Criteria.httpMethod('get')),
      /policy\[0\]\.allow\.and\[0\]\.http_method: is not an HTTP method \(got "get"\)\. Use one of GET, HEAD, POST/],
    ['a path without /', Policy.allow(Criteria.httpPath('api/')), /policy\[0\]\.allow\.and\[0\]\.http_path: is not a request path \(got "api\/"\)/],
    ['a bad claim name', Policy.allow(Criteria.claim('my groups', Matcher.has('x'))),
      /policy\[0\]\.allow\.and\[0\]\.claim\/my groups: names an invalid claim \(got "my groups"\)/],
    ['an empty value', Policy.allow(Criteria.user('')), /policy\[0\]\.allow\.and\[0\]\.user: is not a usable value \(got ""\)/],
    ['a value with a line break', Policy.allow(Criteria.claim('groups', Matcher.has('a\nb'))),
      /policy\[0\]\.allow\.and\[0\]\.claim\/groups: is not a usable value \(got "a\\nb"\)/],
  ])('%s', (_name, policy, message) => {
    expect(refusal({ policy })).toMatch(message);
  });

  test('every problem is reported at once, and nothing is half-accepted', () => {
    const message = refusal({
      allowedDomains: ['not a domain'],
      policy: Policy.allow(Criteria.or(Criteria.matching(CriterionName.EMAIL, Matcher.has('x')), Criteria.sourceIp('300.0.0.1'))),
    });
    expect(message).toMatch(/^netbox-pomerium: the declaration has 3 problems; nothing was written\./);
    expect(message).toMatch(/allowedDomains\[0\]: is not an e-mail domain \(got "not a domain"\)/);
    expect(message).toMatch(/policy\[0\]\.allow\.or\[0\]\.email: does not accept the "has" matcher/);
    expect(message).toMatch(/policy\[0\]\.allow\.or\[1\]\.source_ip: is not an IP address or CIDR range \(got "300\.0\.0\.1"\)/);
  });

  test('the allowed* flags are checked under their own paths', () => {
    expect(refusal({ allowedEmails: ['user@example.com', 'nobody'] }))
      .toMatch(/allowedEmails\[1\]: is not an e-mail address \(got "nobody"\)\. Use an address such as "user@example\.org"/);
    expect(refusal({ allowedGroups: ['Network Admins'] })).toMatch(/allowedGroups\[0\]: is not a valid group id \(got "Network Admins"\)/);
  });

  test('partial matchers take any text; whole-value matchers check it', () => {
    expect(allowOne(Criteria.matching(CriterionName.EMAIL, Matcher.endsWith('@example.org'))))
      .toEqual([{ allow: { and: [{ email: { ends_with: '@example.org' } }] } }]);
    expect(allowOne(Criteria.matching(CriterionName.DOMAIN, Matcher.contains('example'))))
      .toEqual([{ allow: { and: [{ domain: { contains: 'example' } }] } }]);
  });

  test('a claim value may hold spaces (group display names)', () => {
    expect(allowOne(Criteria.claim('groups', Matcher.has('Network Admins'))))
      .toEqual([{ allow: { and: [{ 'claim/groups': { has: 'Network Admins' } }] } }]);
  });
});
