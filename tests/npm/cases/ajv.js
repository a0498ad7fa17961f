const Ajv = require('ajv');
const ajv = new Ajv({ allErrors: true, useDefaults: true, coerceTypes: false });
const schema = {
    type: 'object',
    properties: {
        id: { type: 'integer', minimum: 1 },
        name: { type: 'string', minLength: 2, pattern: '^[a-z]+$' },
        tags: { type: 'array', items: { type: 'string' }, uniqueItems: true },
        role: { enum: ['admin', 'user'], default: 'user' },
        address: { $ref: '#/$defs/address' },
    },
    required: ['id', 'name'],
    additionalProperties: false,
    $defs: { address: { type: 'object', properties: { zip: { type: 'string', maxLength: 5 } }, required: ['zip'] } },
};
const validate = ajv.compile(schema);
const good = { id: 3, name: 'ann', tags: ['a', 'b'], address: { zip: '12345' } };
console.log(validate(good), JSON.stringify(good));
const bad = { id: 0, name: 'Ann1', tags: ['a', 'a'], extra: true, address: {} };
console.log(validate(bad));
for (const e of validate.errors) console.log(e.instancePath || '/', e.keyword, e.message);
console.log(ajv.errorsText(validate.errors));
ajv.addFormat('even', (s) => Number(s) % 2 === 0);
const f = ajv.compile({ type: 'string', format: 'even' });
console.log(f('4'), f('5'));
ajv.addKeyword({ keyword: 'range', type: 'number', schemaType: 'array',
    compile: ([lo, hi]) => (x) => x >= lo && x <= hi });
const r = ajv.compile({ type: 'number', range: [2, 4] });
console.log(r(3), r(9));
const g = ajv.compile({ oneOf: [{ type: 'string' }, { type: 'number', multipleOf: 3 }] });
console.log(g('x'), g(9), g(4), g(null));
