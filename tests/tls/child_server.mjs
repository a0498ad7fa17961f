// A TLS server in a child isolate (tests/js/test_tls_exit.mjs): its
// resolver blocks until the isolate is terminated. Runs with fs jailed to
// the certificates' directory.
const server = tls.createServer({
  certificateResolver() {
    Fiber.sleep(1e9);
  },
}, () => {});
Fiber.run(() => server.listen(0, '127.0.0.1'));

export function port() { return server.address().port; }
