const jwt = require('jsonwebtoken');
const { generateKeyPairSync } = require('crypto');
const secret = 'shhhh-a-secret-of-enough-length';
const now = 1700000000;
const token = jwt.sign({ sub: 'user1', role: 'admin', iat: now }, secret, { algorithm: 'HS256', expiresIn: '1h', issuer: 'corojs' });
console.log(token);
console.log(JSON.stringify(jwt.verify(token, secret, { clockTimestamp: now + 60, issuer: 'corojs' })));
console.log(JSON.stringify(jwt.decode(token, { complete: true }).header));
for (const [what, fn] of [
    ['bad secret', () => jwt.verify(token, 'wrong', { clockTimestamp: now })],
    ['expired', () => jwt.verify(token, secret, { clockTimestamp: now + 7200 })],
    ['wrong issuer', () => jwt.verify(token, secret, { clockTimestamp: now, issuer: 'other' })],
    ['malformed', () => jwt.verify('abc.def', secret)],
    ['alg none', () => jwt.verify(jwt.sign({ a: 1 }, null, { algorithm: 'none' }), secret)],
]) {
    try { fn(); console.log(what, 'verified?!'); } catch (e) { console.log(what, e.name, e.message); }
}
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rs = jwt.sign({ sub: 'rsa-user', iat: now }, privateKey, { algorithm: 'RS256', keyid: 'k1' });
console.log(rs.split('.').length, JSON.stringify(jwt.decode(rs, { complete: true }).header));
console.log(JSON.stringify(jwt.verify(rs, publicKey, { algorithms: ['RS256'] })));
try { jwt.verify(rs, publicKey, { algorithms: ['HS256'] }); } catch (e) { console.log('alg mismatch', e.message); }
jwt.sign({ cb: true, iat: now }, secret, { algorithm: 'HS512' }, (err, t) => {
    jwt.verify(t, secret, (err2, payload) => console.log('callback', err, err2, JSON.stringify(payload)));
});
