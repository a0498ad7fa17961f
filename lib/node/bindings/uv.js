// internalBinding('uv'): libuv's error codes, names and messages
// (__primordials.os.uvErrors), as Node's util.getSystemErrorName/Map use them.
import P from 'corojs:internal/primordials';

const errors = P.os.uvErrors();
const binding = {
  errname(code) {
    const e = errors.find(([c]) => c === code);
    return e ? e[1] : `Unknown system error ${code}`;
  },
  getErrorMap: () => new Map(errors.map(([code, name, message]) => [code, [name, message]])),
  getErrorMessage(code) {
    const e = errors.find(([c]) => c === code);
    return e ? e[2] : `Unknown system error ${code}`;
  },
};
for (const [code, name] of errors) binding[`UV_${name}`] = code;
export default binding;
