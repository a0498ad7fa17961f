// corojs:internal/bytes: byte helpers the library's modules share.

// The chunks (Uint8Arrays) one after the other, as one Uint8Array: the
// only chunk itself, or a new array.
export function concatBytes(chunks) {
  if (chunks.length === 1) return chunks[0];
  let total = 0;
  for (const c of chunks) total += c.length;
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return all;
}
