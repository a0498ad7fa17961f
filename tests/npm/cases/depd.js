const deprecate = require('depd')('my-lib');
process.on('deprecation', (err) => {
    console.log(err.name, '|', err.namespace, '|', err.message);
    console.log(err.stack.split('\n').filter((l) => l.includes(__filename)).map((l) => l.replace(__dirname, '.')).join('\n'));
});
function oldApi() { deprecate('oldApi() is deprecated, use newApi()'); return 1; }
const wrapped = deprecate.function(function legacy() { return 2; }, 'legacy');
const obj = { x: 3 };
deprecate.property(obj, 'x', 'obj.x');
function main() {
    console.log(oldApi(), wrapped(), obj.x);
    console.log(oldApi());
}
main();
