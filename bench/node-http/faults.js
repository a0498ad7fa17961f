// Express and Koa apps with the faults of issue 11 (tests/sh/test_node_express.sh):
// handlers that throw, errors passed on from a timer, responses ended later.
// Prints the two ports (Express, then Koa) on one line, then serves until
// it is stopped.
const express = require('express');
const Koa = require('koa');

const app = express();
app.get('/', (req, res) => res.send('hello'));
app.get('/throw', () => {
  throw new Error('thrown by an Express handler');
});
app.get('/next-error', (req, res, next) => {
  setTimeout(() => next(new Error('passed on from a timer')), 1);
});
app.get('/async', async (req, res) => {
  await new Promise((resolve) => setTimeout(resolve, 1));
  res.json({ late: true });
});

const koa = new Koa();
koa.silent = true; // its 'error' events are the test's, not stderr's
koa.use(async (ctx) => {
  if (ctx.path === '/throw') throw new Error('thrown by Koa middleware');
  if (ctx.path === '/status') ctx.throw(418, 'short and stout');
  await new Promise((resolve) => setTimeout(resolve, 1));
  ctx.body = { koa: ctx.path };
});

const a = app.listen(0, '127.0.0.1', () => {
  const k = koa.listen(0, '127.0.0.1', () => {
    console.log(`${a.address().port} ${k.address().port}`);
  });
});
