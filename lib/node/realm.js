// corojs:internal/node/realm: stands for Node's internal/bootstrap/realm,
// whose BuiltinModule class Node's lib asks which builtins exist
// (util.inspect marks node: frames, assert reads their source, the module
// loader checks ids). Node's file sets up the loader itself, in C++; ours is
// corojs:internal/node/builtins.

import { builtinIds, isBuiltin, exists } from 'corojs:internal/node/builtins';

const schemeOnly = ['node:sea', 'node:test', 'node:test/reporters'];

export const BuiltinModule = {
  exists,
  canBeRequiredByUsers: (id) => builtinIds.includes(id) || schemeOnly.includes(`node:${id}`),
  canBeRequiredWithoutScheme: (id) => builtinIds.includes(id),
  getSchemeOnlyModuleNames: () => schemeOnly.map((s) => s.slice(5)),
  getCanBeRequiredByUsersWithoutSchemeList: () => builtinIds.slice(),
  normalizeRequirableId(id) {
    if (id.startsWith('node:')) {
      const name = id.slice(5);
      if (BuiltinModule.canBeRequiredByUsers(name)) return name;
    } else if (BuiltinModule.canBeRequiredWithoutScheme(id)) {
      return id;
    }
    return undefined;
  },
  isBuiltin,
};

export default { BuiltinModule };
