// Run with a low descriptor limit (test_emfile.sh). Out of descriptors, the
// server must wait and accept later, without spinning and without dropping
// the connections waiting in the backlog.
const stat = fs.open('/proc/self/stat');
const cpuTicks = () => {
  const f = new TextDecoder().decode(stat.read(1024, 0)).split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime
};
const server = net.createServer((s) => { s.write(`echo ${s.read()}`); });
Fiber.run(() => server.listen(0, '127.0.0.1'));
const port = server.address().port;

// one connection first: libuv sets aside a descriptor at its first socket
const warm = net.connect(port, '127.0.0.1');
warm.write('warm');
warm.read();
warm.close();

const held = [];
try { for (;;) held.push(fs.open('/dev/null')); } catch (e) {
  console.log(e.code === 'EMFILE' ? 'ok - descriptors exhausted' : `not ok - ${e.code}`);
}
for (let i = 0; i < 4; i++) held.pop().close();
const clients = [0, 1, 2, 3].map((i) => Fiber.run(() => {
  const c = net.connect(port, '127.0.0.1');
  c.write(String(i));
  const reply = c.read();
  c.close();
  return reply;
}));
const t0 = cpuTicks();
Fiber.sleep(500); // the server is out of descriptors all this time
const used = cpuTicks() - t0; // in 1/100 s
console.log(used < 25 ? 'ok - the server did not spin while out of descriptors' : `not ok - ${used} ticks of CPU in 0.5 s`);
console.log(clients.some((c) => c.done) ? 'not ok - a client finished early' : 'ok - the clients wait in the backlog');
for (const f of held) f.close();
const replies = clients.map((c) => c.join());
console.log(replies.join() === 'echo 0,echo 1,echo 2,echo 3' ? 'ok - every waiting connection was served' : `not ok - ${replies}`);
server.close();
stat.close();
