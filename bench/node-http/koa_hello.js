// A Koa "hello" app (bench/express.sh): prints its port, then serves.
const Koa = require('koa');

const app = new Koa();
app.use(async (ctx) => {
  ctx.body = 'Hello, World!';
});
const server = app.listen(0, '127.0.0.1', () => {
  console.log(server.address().port);
});
