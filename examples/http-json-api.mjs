// examples/http-json-api.mjs: a small JSON API over an in-memory store.
// Run: ./build/corojs examples/http-json-api.mjs [port]   (default 8080)
//
//   curl -s localhost:8080/todos
//   curl -s -X POST localhost:8080/todos -d '{"title":"write docs"}'
//   curl -s -X PATCH localhost:8080/todos/1 -d '{"done":true}'
//   curl -s -X DELETE localhost:8080/todos/1
//
// Request bodies are read in blocking style (req.json()); a body that is not
// JSON, or too large (maxBodySize), becomes a 400 or 413 answer.

const port = Number(process.argv[2] ?? 8080);
const todos = new Map();
let nextId = 1;

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function send(res, status, value) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(value === undefined ? '' : `${JSON.stringify(value)}\n`);
}

function body(req) {
  try {
    const value = req.json();
    if (typeof value !== 'object' || value === null) throw new Error('an object');
    return value;
  } catch (e) {
    if (e.status) throw e; // over maxBodySize: 413
    throw new HttpError(400, `the body must be a JSON object (${e.message})`);
  }
}

// method + path pattern -> handler(req, params)
const routes = [
  ['GET', /^\/todos$/, () => [200, [...todos.values()]]],
  ['POST', /^\/todos$/, (req) => {
    const { title } = body(req);
    if (typeof title !== 'string' || title === '') throw new HttpError(400, 'a title is needed');
    const todo = { id: nextId++, title, done: false };
    todos.set(todo.id, todo);
    return [201, todo];
  }],
  ['GET', /^\/todos\/(\d+)$/, (req, [id]) => [200, find(id)]],
  ['PATCH', /^\/todos\/(\d+)$/, (req, [id]) => {
    const todo = find(id);
    const { title, done } = body(req);
    if (title !== undefined) todo.title = String(title);
    if (done !== undefined) todo.done = Boolean(done);
    return [200, todo];
  }],
  ['DELETE', /^\/todos\/(\d+)$/, (req, [id]) => {
    find(id);
    todos.delete(Number(id));
    return [204];
  }],
];

function find(id) {
  const todo = todos.get(Number(id));
  if (!todo) throw new HttpError(404, `no todo ${id}`);
  return todo;
}

const server = http.createServer({ maxBodySize: 64 * 1024 }, (req, res) => {
  const path = new URL(req.url, 'http://localhost').pathname;
  try {
    let pathKnown = false;
    for (const [method, pattern, handler] of routes) {
      const m = pattern.exec(path);
      if (m && method === req.method) {
        const [status, value] = handler(req, m.slice(1));
        return send(res, status, value);
      }
      pathKnown ||= m !== null;
    }
    throw pathKnown ? new HttpError(405, `${req.method} is not allowed here`) : new HttpError(404, `nothing at ${path}`);
  } catch (e) {
    if (!e.status) throw e; // a bug: the server answers 500 and prints it
    send(res, e.status, { error: e.message });
  }
});

console.log(`JSON API on http://127.0.0.1:${port}/todos`);
server.listen(port, '127.0.0.1');
