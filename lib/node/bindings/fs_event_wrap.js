// internalBinding('fs_event_wrap'): FSEvent, the handle under fs.watch(): a
// libuv fs event watcher (inotify; __primordials.nodefs.watch). Node's
// internal/fs/watchers.js sets onchange(status, eventType, filename) and calls
// start(path, persistent, recursive, encoding) -> 0 or a negative code.
// Linux has no recursive watch of its own: Node's lib watches a tree itself
// (internal/fs/recursive_watch), one FSEvent per directory.
import P from 'corojs:internal/primordials';
import { pathOf, encoded } from 'corojs:internal/node/bindings/fs';

const N = P.nodefs;
const UV_RENAME = 1;

export class FSEvent {
  #id = null;
  #refed = true;

  constructor() {
    this.onchange = undefined;
  }

  get initialized() { return this.#id !== null; }

  start(path, persistent, recursive, encoding) {
    if (this.#id !== null) return 0;
    const id = N.watch(pathOf(path), (status, events, filename) => {
      if (this.#id === null) return; // closed meanwhile
      this.onchange(status, events & UV_RENAME ? 'rename' : 'change',
                    filename === null ? null : encoded(filename, encoding));
    });
    if (typeof id === 'number') return id;
    this.#id = id;
    if (persistent === false || !this.#refed) N.watcherRef(id, false);
    return 0;
  }

  close() {
    if (this.#id !== null) N.unwatch(this.#id);
    this.#id = null;
  }

  ref() {
    this.#refed = true;
    if (this.#id !== null) N.watcherRef(this.#id, true);
  }

  unref() {
    this.#refed = false;
    if (this.#id !== null) N.watcherRef(this.#id, false);
  }

  hasRef() { return this.#id !== null && this.#refed; }

  getAsyncId() { return -1; }
}

export default { FSEvent };
