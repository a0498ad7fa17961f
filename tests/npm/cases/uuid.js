const uuid = require('uuid');
const v4 = uuid.v4();
console.log(uuid.validate(v4), uuid.version(v4), v4.length);
console.log(uuid.v5('hello', uuid.v5.DNS), uuid.v3('hello', uuid.v3.URL));
console.log(uuid.v1({ node: Uint8Array.of(1, 2, 3, 4, 5, 6), clockseq: 0x1234, msecs: 1e12, nsecs: 5678 }));
console.log(uuid.v7({ msecs: 1e12, random: new Uint8Array(16).fill(7) }));
console.log(uuid.parse('6ba7b810-9dad-11d1-80b4-00c04fd430c8'));
console.log(uuid.stringify(uuid.parse(uuid.NIL)), uuid.MAX, uuid.validate('nope'));
try { uuid.parse('nope'); } catch (e) { console.log(e.name, e.message); }
