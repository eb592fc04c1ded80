import { isIP } from 'net';
import { DeclarationProblems } from '../model/problems';
import { checkDomainName, checkEmail } from '../model/validators';

/**
 * A Pomerium Policy Language (PPL) matcher operator.
 *
 * String criteria (domain, email, user, http_method, http_path) take the string matchers; claim
 * criteria (`claim/<name>`) take the string-list matchers (has, is, exclude).
 */
export enum MatcherOperator {
  /** String: the value equals. String list: the list is exactly this one value. */
  IS = 'is',
  /** String: the value starts with the operand. */
  STARTS_WITH = 'starts_with',
  /** String: the value ends with the operand. */
  ENDS_WITH = 'ends_with',
  /** String: the value contains the operand. */
  CONTAINS = 'contains',
  /** String: the value differs from the operand (PPL `not`). */
  NOT = 'not',
  /** String: the value is one of a list (Pomerium >= 0.30). */
  IN = 'in',
  /** String: the value is none of a list (Pomerium >= 0.31). */
  NOT_IN = 'not_in',
  /** String list: the list contains the value. */
  HAS = 'has',
  /** String list: the list does not contain the value (Pomerium >= 0.29). */
  EXCLUDE = 'exclude',
}

/** Operators of PPL's string matcher (pomerium pkg/policy/criteria/matchers.go). */
const STRING_OPERATORS: readonly MatcherOperator[] = [MatcherOperator.IS, MatcherOperator.STARTS_WITH, MatcherOperator.ENDS_WITH,
  MatcherOperator.CONTAINS, MatcherOperator.NOT, MatcherOperator.IN, MatcherOperator.NOT_IN];
/** Operators of PPL's string-list matcher, used by `claim/<name>`. */
const LIST_OPERATORS: readonly MatcherOperator[] = [MatcherOperator.HAS, MatcherOperator.IS, MatcherOperator.EXCLUDE];
/** Operators whose operand is a list; every other operator takes one string. */
const LIST_OPERAND: readonly MatcherOperator[] = [MatcherOperator.IN, MatcherOperator.NOT_IN];

/**
 * How a criterion compares its value, e.g. `Matcher.endsWith('@example.org')`.
 */
export class Matcher {
  /** Equal to the value (PPL `is`; for a claim: the claim holds exactly this one value). */
  public static exactly(value: string): Matcher {
    return new Matcher(MatcherOperator.IS, [value]);
  }
  /** Starts with the prefix (PPL `starts_with`). */
  public static startsWith(prefix: string): Matcher {
    return new Matcher(MatcherOperator.STARTS_WITH, [prefix]);
  }
  /** Ends with the suffix (PPL `ends_with`), e.g. `@example.org`. */
  public static endsWith(suffix: string): Matcher {
    return new Matcher(MatcherOperator.ENDS_WITH, [suffix]);
  }
  /** Contains the part (PPL `contains`). */
  public static contains(part: string): Matcher {
    return new Matcher(MatcherOperator.CONTAINS, [part]);
  }
  /** Differs from the value (PPL `not`). */
  public static isNot(value: string): Matcher {
    return new Matcher(MatcherOperator.NOT, [value]);
  }
  /** One of the values (PPL `in`, Pomerium >= 0.30). */
  public static oneOf(...values: string[]): Matcher {
    return new Matcher(MatcherOperator.IN, values);
  }
  /** None of the values (PPL `not_in`, Pomerium >= 0.31). */
  public static noneOf(...values: string[]): Matcher {
    return new Matcher(MatcherOperator.NOT_IN, values);
  }
  /** The claim's list of values contains this one (PPL `has`). */
  public static has(value: string): Matcher {
    return new Matcher(MatcherOperator.HAS, [value]);
  }
  /**
   * The claim's list of values does not contain this one (PPL `exclude`, Pomerium >= 0.29).
   * PPL compares `exclude` with one string; to exclude several values, `and` several criteria.
   */
  public static exclude(value: string): Matcher {
    return new Matcher(MatcherOperator.EXCLUDE, [value]);
  }

  private constructor(
    /** The PPL operator. */
    public readonly operator: MatcherOperator,
    /** The operand(s): one value, or a list for `in` / `not_in`. */
    public readonly values: string[],
  ) {}

  /** @internal */
  public _render(): unknown {
    return { [this.operator]: LIST_OPERAND.includes(this.operator) ? [...this.values] : this.values[0] };
  }
}

/** The PPL string criteria `Criteria.matching()` accepts. */
export enum CriterionName {
  /** The domain of the user's e-mail address. */
  DOMAIN = 'domain',
  /** The user's e-mail address. */
  EMAIL = 'email',
  /** The user's id at the identity provider. */
  USER = 'user',
  /** The request's HTTP method (upper case). */
  HTTP_METHOD = 'http_method',
  /** The request's path. */
  HTTP_PATH = 'http_path',
}

enum Kind { LEAF = 'leaf', OPERATOR = 'operator' }

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE'];
/** A claim path as PPL and Pomerium's claim headers take it: letters, digits and `_ . : / -`. */
const CLAIM_NAME = /^[A-Za-z0-9_:-]+([./][A-Za-z0-9_:-]+)*$/;

/**
 * A PPL criterion (`domain`, `email`, `claim/groups`, ...) or an operator (`and`, `or`, `not`, `nor`)
 * over criteria. Build with the static factories, e.g.
 * `Criteria.or(Criteria.domain('example.org'), Criteria.email('user@example.com'))`.
 *
 * PPL has no nested operators: an operator holds criteria only. To combine operators, give the
 * policy several rules (`Policy.combine(Policy.allow(...), Policy.allow(...))`); any matching
 * allow rule is enough.
 */
export class Criteria {
  /** Users whose e-mail domain is `domain` (PPL `domain: {is: ...}`). */
  public static domain(domain: string): Criteria {
    return Criteria.matching(CriterionName.DOMAIN, Matcher.exactly(domain));
  }
  /** The user with this e-mail address (PPL `email: {is: ...}`). */
  public static email(email: string): Criteria {
    return Criteria.matching(CriterionName.EMAIL, Matcher.exactly(email));
  }
  /** The user with this IdP user id (PPL `user: {is: ...}`). */
  public static user(userId: string): Criteria {
    return Criteria.matching(CriterionName.USER, Matcher.exactly(userId));
  }
  /**
   * Users whose `groups` claim has this group (PPL `claim/groups: {has: ...}`; Pomerium Core has no
   * `groups` criterion). For Entra ID the value is the group's object id, a GUID. Cognito names
   * the claim `cognito:groups`: use `Criteria.claim('cognito:groups', Matcher.has(group))` there
   * (the `allowedGroups` option picks the provider's claim itself).
   */
  public static groups(group: string): Criteria {
    return Criteria.claim('groups', Matcher.has(group));
  }
  /**
   * Users whose claim `name` matches (PPL `claim/<name>`), with a string-list matcher: has, is,
   * exclude. Nested claims are written `a/b` or `a.b`.
   */
  public static claim(name: string, matcher: Matcher): Criteria {
    return new Criteria(Kind.LEAF, `claim/${name}`, matcher, undefined, []);
  }
  /** A string criterion with any string matcher, e.g. `matching(CriterionName.EMAIL, Matcher.endsWith('@example.org'))`. */
  public static matching(criterion: CriterionName, matcher: Matcher): Criteria {
    return new Criteria(Kind.LEAF, criterion, matcher, undefined, []);
  }
  /** Requests with this HTTP method (e.g. `GET`). */
  public static httpMethod(method: string): Criteria {
    return Criteria.matching(CriterionName.HTTP_METHOD, Matcher.exactly(method));
  }
  /** Requests for exactly this path (e.g. `/api/status/`). */
  public static httpPath(path: string): Criteria {
    return Criteria.matching(CriterionName.HTTP_PATH, Matcher.exactly(path));
  }
  /** Requests from any of these IP addresses or CIDR ranges (PPL `source_ip`). */
  public static sourceIp(...ranges: string[]): Criteria {
    return new Criteria(Kind.LEAF, 'source_ip', undefined, ranges.length === 1 ? ranges[0] : [...ranges], []);
  }
  /** Any user who has logged in (PPL `authenticated_user`). */
  public static authenticatedUser(): Criteria {
    return new Criteria(Kind.LEAF, 'authenticated_user', undefined, true, []);
  }
  /** Every request, logged in or not (PPL `accept`). */
  public static accept(): Criteria {
    return new Criteria(Kind.LEAF, 'accept', undefined, true, []);
  }
  /** No request (PPL `reject`). */
  public static reject(): Criteria {
    return new Criteria(Kind.LEAF, 'reject', undefined, true, []);
  }
  /** All of the criteria match. */
  public static and(...criteria: Criteria[]): Criteria {
    return new Criteria(Kind.OPERATOR, 'and', undefined, undefined, criteria);
  }
  /** At least one of the criteria matches. */
  public static or(...criteria: Criteria[]): Criteria {
    return new Criteria(Kind.OPERATOR, 'or', undefined, undefined, criteria);
  }
  /** None of the criteria match (PPL defines `not` as ¬A ∧ ¬B). */
  public static not(...criteria: Criteria[]): Criteria {
    return new Criteria(Kind.OPERATOR, 'not', undefined, undefined, criteria);
  }
  /** Not all of the criteria match (PPL defines `nor` as ¬A ∨ ¬B). */
  public static nor(...criteria: Criteria[]): Criteria {
    return new Criteria(Kind.OPERATOR, 'nor', undefined, undefined, criteria);
  }

  private constructor(
    private readonly kind: Kind,
    /** The PPL key: a criterion name (`email`, `claim/groups`) or an operator (`and`). */
    public readonly key: string,
    private readonly matcher: Matcher | undefined,
    private readonly literal: unknown,
    private readonly children: Criteria[],
  ) {}

  /** Whether this is an operator (and/or/not/nor) rather than a single criterion. @internal */
  public get _isOperator(): boolean {
    return this.kind === Kind.OPERATOR;
  }

  /**
   * Whether `accept` can decide this node positively (not under `not`/`nor`). @internal
   */
  public get _acceptsAnyone(): boolean {
    if (this.kind === Kind.LEAF) return this.key === 'accept';
    if (this.key === 'or') return this.children.some((c) => c._acceptsAnyone);
    if (this.key === 'and') return this.children.length > 0 && this.children.every((c) => c._acceptsAnyone);
    return false;
  }

  /**
   * Renders the PPL object after checking that the node is valid PPL. `path` is the option path of
   * the position this node takes, e.g. `policy[0].allow`.
   * @internal
   */
  public _render(p: DeclarationProblems, path: string): unknown {
    if (this.kind === Kind.OPERATOR) {
      const here = `${path}.${this.key}`;
      if (this.children.length === 0) {
        p.add(here, `"${this.key}" has no criteria`, [], `Give Criteria.${this.key}(...) at least one criterion.`);
      }
      return {
        [this.key]: this.children.map((child, i) => {
          if (child._isOperator) {
            p.add(`${here}[${i}]`, `nests the "${child.key}" operator inside "${this.key}", which PPL does not allow`, child.key,
              'Operators hold criteria only: split the policy into rules instead, '
              + 'e.g. Policy.combine(Policy.allow(Criteria.and(a, b)), Policy.allow(Criteria.and(a, c))).');
            return {};
          }
          return child._render(p, `${here}[${i}]`);
        }),
      };
    }
    const here = `${path}.${this.key}`;
    if (this.matcher === undefined) {
      if (this.key === 'source_ip') checkSourceIps(p, here, this.literal);
      return { [this.key]: this.literal };
    }
    checkMatcher(p, here, this.key, this.matcher);
    return { [this.key]: this.matcher._render() };
  }
}

function checkMatcher(p: DeclarationProblems, path: string, key: string, matcher: Matcher): void {
  const isClaim = key.startsWith('claim/');
  const allowed = isClaim ? LIST_OPERATORS : STRING_OPERATORS;
  if (!allowed.includes(matcher.operator)) {
    p.add(path, `does not accept the "${matcher.operator}" matcher`, matcher.operator,
      isClaim
        ? `A claim is a list of values: use one of ${allowed.join(', ')} (Matcher.has, Matcher.exactly, Matcher.exclude).`
        : `Use one of ${allowed.join(', ')}; has and exclude are for claims (Criteria.claim).`);
    return;
  }
  if (isClaim && !CLAIM_NAME.test(key.slice('claim/'.length))) {
    p.add(path, 'names an invalid claim', key.slice('claim/'.length),
      'Use the claim name as the IdP sends it, e.g. "groups" (letters, digits and _ : - ; nested claims as a/b).');
  }
  if (matcher.values.length === 0) {
    p.add(path, `has an empty "${matcher.operator}" list`, [], 'Give at least one value.');
  }
  // Operators that compare whole values can check them; partial matchers take any non-empty text.
  const whole = [MatcherOperator.IS, MatcherOperator.NOT, MatcherOperator.IN, MatcherOperator.NOT_IN].includes(matcher.operator);
  matcher.values.forEach((value, i) => {
    const at = LIST_OPERAND.includes(matcher.operator) ? `${path}.${matcher.operator}[${i}]` : path;
    if (!checkText(p, at, value)) return;
    if (!whole && key !== CriterionName.HTTP_PATH) return;
    switch (key) {
      case CriterionName.EMAIL:
        checkEmail(p, at, value);
        break;
      case CriterionName.DOMAIN:
        checkDomainName(p, at, value);
        break;
      case CriterionName.HTTP_METHOD:
        if (!HTTP_METHODS.includes(value)) {
          p.add(at, 'is not an HTTP method', value, `Use one of ${HTTP_METHODS.join(', ')} (upper case, as Pomerium compares it).`);
        }
        break;
      case CriterionName.HTTP_PATH:
        if (matcher.operator !== MatcherOperator.CONTAINS && matcher.operator !== MatcherOperator.ENDS_WITH && !value.startsWith('/')) {
          p.add(at, 'is not a request path', value, 'Start the path with "/", e.g. "/api/".');
        }
        break;
      default:
        break;
    }
  });
}

/** Any non-empty, single-line text without surrounding spaces. */
function checkText(p: DeclarationProblems, path: string, value: string): boolean {
  if (typeof value === 'string' && value.length > 0 && value.trim() === value && !/[\x00-\x1f\x7f]/.test(value)) return true;
  p.add(path, 'is not a usable value', value, 'Give non-empty text on one line, without leading or trailing spaces.');
  return false;
}

function checkSourceIps(p: DeclarationProblems, path: string, value: unknown): void {
  const ranges = Array.isArray(value) ? value : [value];
  if (ranges.length === 0) {
    p.add(path, 'has no address', [], 'Give at least one IP address or CIDR range.');
  }
  ranges.forEach((range, i) => {
    const [address, prefix, ...rest] = String(range).split('/');
    const family = isIP(address);
    const bits = family === 4 ? 32 : 128;
    const ok = family !== 0 && rest.length === 0
      && (prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits));
    if (!ok) {
      p.add(ranges.length === 1 ? path : `${path}[${i}]`, 'is not an IP address or CIDR range', range,
        'Use e.g. "10.0.0.0/8", "192.0.2.7" or "2001:db8::/32".');
    }
  });
}

/** A PPL rule action. */
export enum PolicyAction {
  /** Let matching requests through (if no deny rule matches). */
  ALLOW = 'allow',
  /** Refuse matching requests, whatever the allow rules say. */
  DENY = 'deny',
}

/**
 * A Pomerium policy: a list of allow/deny rules. Access needs at least one matching allow rule and
 * no matching deny rule. An empty policy allows nobody.
 */
export class Policy {
  /** Allow requests that match `criteria`. */
  public static allow(criteria: Criteria): Policy {
    return new Policy([{ action: PolicyAction.ALLOW, criteria }]);
  }
  /** Deny requests that match `criteria`, whatever the allow rules say. */
  public static deny(criteria: Criteria): Policy {
    return new Policy([{ action: PolicyAction.DENY, criteria }]);
  }
  /** A policy that allows nobody. */
  public static nobody(): Policy {
    return new Policy([]);
  }
  /** All the rules of all the policies. */
  public static combine(...policies: Policy[]): Policy {
    return new Policy(policies.flatMap((x) => x.rules));
  }

  private constructor(private readonly rules: PolicyRule[]) {}

  /** Whether the policy has no rules (and so allows nobody). */
  public get isEmpty(): boolean {
    return this.rules.length === 0;
  }

  /** Whether some allow rule exists. */
  public get hasAllowRule(): boolean {
    return this.rules.some((r) => r.action === PolicyAction.ALLOW);
  }

  /** Whether an allow rule lets in requests without a login (`accept`). @internal */
  public get _allowsAnonymous(): boolean {
    return this.rules.some((r) => r.action === PolicyAction.ALLOW && r.criteria._acceptsAnyone);
  }

  /**
   * The PPL list for a route's `policy` key. An action holds operators, so a bare criterion is
   * wrapped in `and`. `path` names the option the policy came from, e.g. `policy`.
   * @internal
   */
  public _render(p: DeclarationProblems, path: string): unknown[] {
    return this.rules.map((rule, i) => {
      const node = rule.criteria._isOperator ? rule.criteria : Criteria.and(rule.criteria);
      return { [rule.action]: node._render(p, `${path}[${i}].${rule.action}`) };
    });
  }
}

interface PolicyRule {
  readonly action: PolicyAction;
  readonly criteria: Criteria;
}
