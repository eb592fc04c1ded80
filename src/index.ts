export * from './adopt/adoption-options';
export * from './netbox-pomerium-options';
export * from './netbox-pomerium-project';
export { IdpProvider } from './pomerium/idp-provider';
export { Criteria, CriterionName, Matcher, MatcherOperator, Policy, PolicyAction } from './pomerium/policy';
export { ApiAccess } from './api/api-access-mode';
