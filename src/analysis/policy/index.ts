// The policy engine's public surface: adapt every policy API into one model, evaluate one flow across layers.
export * from './model.js'
export {buildPolicySet, type PolicyObject, type PolicyObjects, type PolicySet} from './policy-set.js'
export {evaluateFlow} from './evaluate.js'
export {detectEnforcer, assumedEnforcer, type Enforcer} from './enforcer.js'
export {POLICY_KINDS, POLICY_KIND_NAMES, kindKey, preferredKinds, type PolicyKind, type EnforcerModel} from './kinds.js'
