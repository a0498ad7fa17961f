// internalBinding('serdes'): V8's value serializer under v8.serialize() and
// child_process's 'advanced' serialization. Not there yet: a Serializer or
// Deserializer throws ERR_NOT_IMPLEMENTED.
import { unimplementedClass } from 'corojs:internal/node/unimplemented';

export default {
  Serializer: unimplementedClass('v8.Serializer'),
  Deserializer: unimplementedClass('v8.Deserializer'),
};
