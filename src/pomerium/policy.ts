import { DeclarationProblems } from '../model/problems';
import { checkDomainName, checkEmail, checkToken } from '../model/validators';

/** A Pomerium Policy Language (PPL) matcher operator. */
export enum MatcherOperator {
  /** The value equals (string) or the list equals (string list). */
  IS = 'is',
  STARTS_WITH = 'starts_with',
  ENDS_WITH = 'ends_with',
  CONTAINS = 'contains',
  /** The value is one of a list (Pomerium >= 0.30). */
  IN = 'in',
  /** The value is none of a list (Pomerium >= 0.31). */
  NOT_IN = 'not_in',
  /** The claim list contains the value. */
  HAS = 'has',
  /** The claim list contains none of the values (Pomerium >= 0.29). */
  EXCLUDE = 'exclude',
}

/** Operators that string criteria (domain, email, user, http_method, http_path) accept. */
const STRING_OPERATORS = [MatcherOperator.IS, MatcherOperator.STARTS_WITH, MatcherOperator.ENDS_WITH,
  MatcherOperator.CONTAINS, MatcherOperator.IN, MatcherOperator.NOT_IN];
/** Operators that string-list criteria (claim/<name>) accept. */
const LIST_OPERATORS = [MatcherOperator.IS, MatcherOperator.HAS, MatcherOperator.EXCLUDE];

/**
 * How a criterion compares its value, e.g. `Matcher.endsWith('@example.org')`.
 */
export class Matcher {
  /** Equal to the value. */
  public static exactly(value: string): Matcher {
    return new Matcher(MatcherOperator.IS, [value], false);
  }
  public static startsWith(prefix: string): Matcher {
    return new Matcher(MatcherOperator.STARTS_WITH, [prefix], false);
  }
  public static endsWith(suffix: string): Matcher {
    return new Matcher(MatcherOperator.ENDS_WITH, [suffix], false);
  }
  public static contains(part: string): Matcher {
    return new Matcher(MatcherOperator.CONTAINS, [part], false);
  }
  /** One of the values (PPL `in`). */
  public static oneOf(...values: string[]): Matcher {
    return new Matcher(MatcherOperator.IN, values, true);
  }
  /** None of the values (PPL `not_in`). */
  public static noneOf(...values: string[]): Matcher {
    return new Matcher(MatcherOperator.NOT_IN, values, true);
  }
  /** The claim's list of values contains this one (PPL `has`). */
  public static has(value: string): Matcher {
    return new Matcher(MatcherOperator.HAS, [value], false);
  }
  /** The claim's list of values contains none of these (PPL `exclude`). */
  public static exclude(...values: string[]): Matcher {
    return new Matcher(MatcherOperator.EXCLUDE, values, true);
  }

  private constructor(
    /** The PPL operator. */
    public readonly operator: MatcherOperator,
    /** The operand(s). */
    public readonly values: string[],
    private readonly rendersList: boolean,
  ) {}

  /** @internal */
  public _render(): unknown {
    return { [this.operator]: this.rendersList ? [...this.values] : this.values[0] };
  }
}

/** The PPL criteria this builder knows. */
export enum CriterionName {
  DOMAIN = 'domain',
  EMAIL = 'email',
  USER = 'user',
  HTTP_METHOD = 'http_method',
  HTTP_PATH = 'http_path',
}

enum Kind { LEAF = 'leaf', OPERATOR = 'operator' }

/**
 * A PPL criterion (`domain`, `email`, `claim/groups`, ...) or an operator (`and`, `or`, `not`, `nor`)
 * over criteria. Build with the static factories, e.g.
 * `Criteria.or(Criteria.domain('example.org'), Criteria.email('user@example.com'))`.
 */
export class Criteria {
  /** Users whose e-mail domain is `domain`. */
  public static domain(domain: string): Criteria {
    return Criteria.matching(CriterionName.DOMAIN, Matcher.exactly(domain));
  }
  /** The user with this e-mail address. */
  public static email(email: string): Criteria {
    return Criteria.matching(CriterionName.EMAIL, Matcher.exactly(email));
  }
  /** The user with this IdP user id. */
  public static user(userId: string): Criteria {
    return Criteria.matching(CriterionName.USER, Matcher.exactly(userId));
  }
  /** Users whose `groups` claim has this group (for Entra ID: the group's object id, a GUID). */
  public static groups(group: string): Criteria {
    return Criteria.claim('groups', Matcher.has(group));
  }
  /** Users whose claim `name` matches (PPL `claim/<name>`, a string-list matcher: has, is, exclude). */
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
  /** Requests for this path (e.g. `/api/`). */
  public static httpPath(path: string): Criteria {
    return Criteria.matching(CriterionName.HTTP_PATH, Matcher.exactly(path));
  }
  /** Requests from any of these IP addresses or CIDR ranges. */
  public static sourceIp(...ranges: string[]): Criteria {
    return new Criteria(Kind.LEAF, 'source_ip', undefined, ranges.length === 1 ? ranges[0] : [...ranges], []);
  }
  /** Any user who has logged in. */
  public static authenticatedUser(): Criteria {
    return new Criteria(Kind.LEAF, 'authenticated_user', undefined, true, []);
  }
  /** Every request. */
  public static accept(): Criteria {
    return new Criteria(Kind.LEAF, 'accept', undefined, true, []);
  }
  /** No request. */
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
    /** The PPL key: a criterion name or an operator. */
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
   * Renders the PPL object after checking that the matcher suits the criterion.
   * @internal
   */
  public _render(p: DeclarationProblems, path: string): unknown {
    if (this.kind === Kind.OPERATOR) {
      if (this.children.length === 0) {
        p.add(path, `"${this.key}" has no criteria`, [], `Give Criteria.${this.key}(...) at least one criterion.`);
      }
      return { [this.key]: this.children.map((c, i) => c._render(p, `${path}.${this.key}[${i}]`)) };
    }
    if (this.matcher === undefined) {
      if (this.key === 'source_ip') checkSourceIps(p, path, this.literal);
      return { [this.key]: this.literal };
    }
    checkMatcher(p, path, this.key, this.matcher);
    return { [this.key]: this.matcher._render() };
  }
}

function checkMatcher(p: DeclarationProblems, path: string, key: string, matcher: Matcher): void {
  const isClaim = key.startsWith('claim/');
  const allowed = isClaim ? LIST_OPERATORS : STRING_OPERATORS;
  if (!allowed.includes(matcher.operator)) {
    p.add(`${path}.${key}`, `does not accept the "${matcher.operator}" matcher`, matcher.operator,
      `Use one of: ${allowed.join(', ')}.`);
  }
  if (isClaim && !/^[A-Za-z0-9_.:/-]+$/.test(key.slice('claim/'.length))) {
    p.add(`${path}.${key}`, 'names an invalid claim', key.slice('claim/'.length), 'Use the claim name as the IdP sends it, e.g. "groups".');
  }
  if (matcher.values.length === 0) {
    p.add(`${path}.${key}`, `has an empty "${matcher.operator}" list`, [], 'Give at least one value.');
  }
  for (const value of matcher.values) {
    if (matcher.operator === MatcherOperator.IS && key === 'email') checkEmail(p, `${path}.email`, value);
    else if (matcher.operator === MatcherOperator.IS && key === 'domain') checkDomainName(p, `${path}.domain`, value);
    else checkToken(p, `${path}.${key}`, value, 'value');
  }
}

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(\/(\d{1,2}))?$/;
const IPV6_CIDR = /^[0-9a-f:]+(\/\d{1,3})?$/i;

function checkSourceIps(p: DeclarationProblems, path: string, value: unknown): void {
  const ranges = Array.isArray(value) ? value : [value];
  if (ranges.length === 0) {
    p.add(`${path}.source_ip`, 'has no address', [], 'Give at least one IP address or CIDR range.');
  }
  for (const range of ranges) {
    const v4 = IPV4_CIDR.exec(String(range));
    const ok = v4
      ? v4.slice(1, 5).every((o) => Number(o) <= 255) && (v4[6] === undefined || Number(v4[6]) <= 32)
      : IPV6_CIDR.test(String(range)) && String(range).includes(':');
    if (!ok) p.add(`${path}.source_ip`, 'is not an IP address or CIDR range', range, 'Use e.g. "10.0.0.0/8" or "2001:db8::/32".');
  }
}

/** A PPL rule action. */
export enum PolicyAction {
  ALLOW = 'allow',
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

  /**
   * The PPL list for a route's `policy` key. An action holds operators, so a bare criterion is
   * wrapped in `and`.
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
