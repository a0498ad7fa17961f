// The corojs side of the TCP benchmarks (bench/net.sh): prints its port.
//   echo    send back what arrives
//   source  write 64 KiB chunks until the peer goes away
const mode = process.argv[2] ?? 'echo';
const chunk = new Uint8Array(65536).fill(120);
const handlers = {
  echo(s) { for (let c; (c = s.readBytes()) !== null;) s.write(c); },
  source(s) { try { for (;;) s.write(chunk); } catch { /* the client left */ } },
};
const server = net.createServer(handlers[mode]);
Fiber.run(() => server.listen(0, '127.0.0.1'));
console.log(server.address().port);
