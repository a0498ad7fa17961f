const bcrypt = require('bcryptjs');
const salt = '$2b$04$abcdefghijklmnopqrstuu';
const hash = bcrypt.hashSync('correct horse', salt);
console.log(hash);
console.log(bcrypt.compareSync('correct horse', hash), bcrypt.compareSync('wrong', hash));
console.log(bcrypt.getRounds(hash), bcrypt.getSalt(hash), bcrypt.truncates('x'.repeat(80)));
// known vector
console.log(bcrypt.compareSync('U*U', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW'));
(async () => {
    const s = await bcrypt.genSalt(4);
    const h = await bcrypt.hash('async pw', s);
    console.log(s.length, h.length, h.startsWith('$2b$04$'), await bcrypt.compare('async pw', h), await bcrypt.compare('no', h));
    bcrypt.hash('cb pw', 4, (err, h2) => {
        bcrypt.compare('cb pw', h2, (err2, ok) => console.log('callback', err, err2, ok));
    });
})();
