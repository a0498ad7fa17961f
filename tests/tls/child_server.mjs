// A TLS server in a child isolate (tests/js/test_tls_exit.mjs): its
// resolver blocks until the isolate is terminated. Runs with fs jailed to
// the certificates' directory.
const entered = Promise.withResolvers();
const server = tls.createServer({
  certificateResolver() {
    entered.resolve();
    Fiber.await(new Promise(() => {})); // never returns
  },
}, () => {});
Fiber.run(() => server.listen(0, '127.0.0.1'));

export function port() { return server.address().port; }
// Returns once a handshake is inside the resolver.
export function resolving() { return entered.promise; }
