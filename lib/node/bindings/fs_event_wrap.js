// internalBinding('fs_event_wrap'): FSEvent, under fs.watch(). Not there
// yet: constructing one (fs.watch()) throws ERR_NOT_IMPLEMENTED.
import { unimplementedClass } from 'corojs:internal/node/unimplemented';

export default { FSEvent: unimplementedClass('fs.watch()') };
