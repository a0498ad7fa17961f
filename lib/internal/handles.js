// corojs:internal/handles: what the library's classes share about the
// handle IDs they wrap.

// A FinalizationRegistry that closes a handle ID with close(id) once the
// object registered with it is garbage; an ID closed already is fine.
export function closingRegistry(close) {
  return new FinalizationRegistry((id) => {
    try { close(id); } catch { /* closed already */ }
  });
}
