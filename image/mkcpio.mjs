// image/mkcpio.mjs ROOT OUT [node...]: write the directory tree ROOT as a
// cpio archive in the "newc" format the kernel unpacks into its initramfs.
//
// Every entry belongs to root, with the time SOURCE_DATE_EPOCH (0 if unset),
// so the same tree gives the same archive. Device nodes cannot be made
// without root in the build tree, so they are named on the command line
// instead, as "c 5 1 0600 dev/console" (type, major, minor, mode, path).
// The tree must hold no symbolic links (build.sh copies with -L).

const [root, out, ...nodes] = process.argv.slice(2);
if (!root || !out) {
  console.error('usage: corojs image/mkcpio.mjs ROOT OUT [type major minor mode path]...');
  process.exit(2);
}
const mtime = Number(process.env.SOURCE_DATE_EPOCH ?? 0);
const encoder = new TextEncoder();
const chunks = [];
let size = 0, ino = 1;

const hex = (n) => n.toString(16).padStart(8, '0');

function pad4() {
  if (size % 4) emit(new Uint8Array(4 - (size % 4)));
}

function emit(bytes) {
  chunks.push(bytes);
  size += bytes.length;
}

// One entry: the 110-byte header, the name (NUL-ended) and the data, each
// padded to 4 bytes.
function entry(name, mode, data = new Uint8Array(0), rdev = [0, 0]) {
  const nameBytes = encoder.encode(`${name}\0`);
  const fields = [ino++, mode, 0, 0, mode & 0o040000 ? 2 : 1, mtime, data.length, 0, 0, rdev[0], rdev[1],
    nameBytes.length, 0];
  emit(encoder.encode(`070701${fields.map(hex).join('')}`));
  emit(nameBytes);
  pad4();
  emit(data);
  pad4();
}

function walk(dir, prefix) {
  for (const name of fs.readdir(dir).sort()) {
    const path = `${dir}/${name}`, rel = prefix ? `${prefix}/${name}` : name;
    const st = fs.lstat(path);
    if (st.isSymbolicLink()) throw new Error(`${path}: a symbolic link (copy the tree with cp -L)`);
    if (st.isDirectory()) {
      entry(rel, st.mode);
      walk(path, rel);
    } else if (st.isFile()) {
      entry(rel, st.mode, fs.readFile(path, null));
    } else {
      throw new Error(`${path}: not a file or a directory`);
    }
  }
}

walk(root, '');
for (let i = 0; i < nodes.length; i += 5) {
  const [type, major, minor, mode, path] = nodes.slice(i, i + 5);
  const kind = { c: 0o020000, b: 0o060000 }[type];
  if (!kind || !path) throw new Error(`bad device node: ${nodes.slice(i, i + 5).join(' ')}`);
  entry(path, kind | parseInt(mode, 8), undefined, [Number(major), Number(minor)]);
}
entry('TRAILER!!!', 0);

const all = new Uint8Array(size);
let at = 0;
for (const c of chunks) { all.set(c, at); at += c.length; }
fs.writeFile(out, all);
