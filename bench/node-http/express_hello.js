// An Express "hello" app (bench/express.sh): prints its port, then serves.
const express = require('express');

const app = express();
app.get('/', (req, res) => {
  res.send('Hello, World!');
});
const server = app.listen(0, '127.0.0.1', () => {
  console.log(server.address().port);
});
