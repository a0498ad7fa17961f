// internalBinding('fs_event_wrap'): FSEvent, the handle under fs.watch(): a
// libuv fs event watcher (inotify; __primordials.nodefs.watch). Node's
// internal/fs/watchers.js sets onchange(status, eventType, filename) and calls
// start(path, persistent, recursive, encoding) -> 0 or a negative code.
// Linux has no recursive watch of its own: Node's lib watches a tree itself
// (internal/fs/recursive_watch), one FSEvent per directory.
import P from 'corojs:internal/primordials';
import { WatcherHandle, pathOf, encoded } from 'corojs:internal/node/bindings/fs';

const N = P.nodefs;
const UV_RENAME = 1;

export class FSEvent extends WatcherHandle {
  start(path, persistent, recursive, encoding) {
    if (persistent === false) this.unref();
    return this._start(() => N.watch(pathOf(path), (status, events, filename) => {
      if (!this.initialized) return; // closed meanwhile
      this.onchange(status, events & UV_RENAME ? 'rename' : 'change',
                    filename === null ? null : encoded(filename, encoding));
    }));
  }
}

export default { FSEvent };
