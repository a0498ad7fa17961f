// internalBinding('process_wrap'): the Process handle of
// child_process.spawn(). Not there yet: spawn, exec and execFile throw
// ERR_NOT_IMPLEMENTED.
import { unimplementedClass } from 'corojs:internal/node/unimplemented';

export default { Process: unimplementedClass('child_process.spawn(), exec() and execFile()') };
