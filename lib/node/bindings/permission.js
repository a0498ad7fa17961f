// internalBinding('permission'): Node's --experimental-permission model,
// which CoroJS does not have (its isolates have capabilities instead): every
// scope is granted, as in Node without the flag.
export default { has: () => true };
