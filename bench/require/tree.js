// bench/require/tree.js DIR: require() of the 100-module CommonJS tree that
// bench/require.sh made in DIR; prints the time it took in this process.
const t0 = performance.now();
const app = require(`${process.argv[2]}/app.js`);
const ms = performance.now() - t0;
if (app.sum() !== 4950) throw new Error(`the tree computed ${app.sum()}`);
console.log(JSON.stringify({ ms }));
