// internalBinding('config'): how this runtime was built, as Node's lib asks.
// No ICU (Node's lib then uses its JS fallbacks: string width, no transcode),
// no inspector.
export default { hasIntl: false, hasSmallICU: false, hasInspector: false, noBrowserGlobals: false, bits: 64, hasOpenSSL: false, fipsMode: false, isDebugBuild: false };
