// The Node.js side of the TCP benchmarks (bench/net.sh): prints its port.
import net from 'node:net';

const mode = process.argv[2] ?? 'echo';
const chunk = Buffer.alloc(65536, 120);
const server = net.createServer((s) => {
  s.setNoDelay(true);
  s.on('error', () => {});
  if (mode === 'echo') {
    s.on('data', (d) => s.write(d));
  } else {
    const pump = () => { while (s.write(chunk)); s.once('drain', pump); };
    pump();
  }
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
