// corojs:internal/http: what corojs:http and corojs:https share: a server's
// options and limits, checked, as the C server handle they make.

import P from 'corojs:internal/primordials';
import { ERR_OUT_OF_RANGE, isClientError, printError } from 'corojs:internal/errors';
import { validateFunction, validateNumber, validateObject, validateOptionNames } from 'corojs:internal/validators';

const H = P.http;

// The limits a server applies unless told otherwise (sizes in bytes, times
// in ms; 0 means no limit).
export const defaults = Object.freeze({
  maxHeaderSize: 16384,     // a bigger head: 431
  maxBodySize: 1 << 20,     // a bigger body: 413
  headersTimeout: 60000,    // from a request's first byte to the end of its head: 408
  idleTimeout: 5000,        // a keep-alive connection waiting for its next request: closed
  requestTimeout: 300000,   // from a request's first byte to the end of its body
});

// A handler that throws is reported here, unless the client caused it (it
// left, was too slow, sent a body too large or malformed).
function defaultOnError(error) {
  if (!isClientError(error)) printError('Error in an HTTP handler', error);
}

function limit(options, name) {
  const v = options[name] ?? defaults[name];
  validateNumber(v, `options.${name}`);
  if (v === Infinity) return 0;
  if (!(v >= 0) || !Number.isInteger(v)) throw ERR_OUT_OF_RANGE(`options.${name}`, 'an integer >= 0 or Infinity', v);
  return v;
}

const httpOptions = [...Object.keys(defaults), 'onError'];

// The C server for handler and options (limits and onError; `more` names
// the other options the caller takes): its handle ID.
export function serverHandle(options, handler, more = []) {
  validateFunction(handler, 'handler');
  validateObject(options, 'options');
  validateOptionNames(options, [...httpOptions, ...more]);
  const onError = options.onError ?? defaultOnError;
  validateFunction(onError, 'options.onError');
  return H.createServer(handler, onError, limit(options, 'maxHeaderSize') || 0x7fffffff,
    limit(options, 'maxBodySize'), limit(options, 'headersTimeout'), limit(options, 'idleTimeout'),
    limit(options, 'requestTimeout'));
}
