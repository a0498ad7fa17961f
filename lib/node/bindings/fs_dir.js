// internalBinding('fs_dir'): the directory handles of fs.opendir() and
// fs.Dir. A DirHandle reads the whole directory when opened (one scandir on
// the pool) and hands its entries out bufferSize at a time, as [name, type,
// name, type, ...], null at the end. Calls answer as internalBinding('fs')'s
// do (sync, FSReqCallback, kUsePromises), and in the old form of sync call
// Node's Dir still uses, (..., undefined, ctx): the error goes to ctx.error
// for handleErrorFromBinding.

import P from 'corojs:internal/primordials';
import { call, scandir } from 'corojs:internal/node/bindings/fs';

// call(req, fn), or with a ctx: the value, or undefined with ctx.error set.
function answer(req, ctx, fn) {
  if (req !== undefined || ctx === undefined) return call(req, fn);
  try {
    return P.fiber.exclusive(fn, []);
  } catch (e) {
    ctx.error = e;
    return undefined;
  }
}

class DirHandle {
  #entries; // [names, types]
  #next = 0;

  constructor(entries) {
    this.#entries = entries;
  }

  // read(encoding, bufferSize, req, ctx)
  read(encoding, bufferSize, req, ctx) {
    return answer(req, ctx, () => {
      const [names, types] = this.#entries;
      if (this.#next >= names.length) return null;
      const out = [];
      const end = Math.min(names.length, this.#next + Math.max(1, bufferSize | 0));
      for (; this.#next < end; this.#next++) out.push(names[this.#next], types[this.#next]);
      return out;
    });
  }

  close(req, ctx) {
    return answer(req, ctx, () => {
      this.#entries = [[], []];
    });
  }
}

// opendir(path, encoding, req, ctx) -> DirHandle
function opendir(path, encoding, req, ctx) {
  return answer(req, ctx, () => new DirHandle(scandir(path, encoding)));
}

function opendirSync(path) {
  return call(undefined, () => new DirHandle(scandir(path)));
}

export default { opendir, opendirSync };
