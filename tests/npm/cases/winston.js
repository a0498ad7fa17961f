const winston = require('winston');
const { combine, printf, label, splat, json, simple, errors } = winston.format;
const logger = winston.createLogger({
    level: 'info',
    format: combine(label({ label: 'app' }), splat(), printf((i) => `${i.level} [${i.label}] ${i.message}${i.meta ? ' ' + JSON.stringify(i.meta) : ''}`)),
    transports: [new winston.transports.Console({ forceConsole: true })],
});
// Console transport writes to process.stdout via console._stdout or console.log
logger.info('hello %s', 'winston');
logger.warn('with meta', { meta: { a: 1 } });
logger.debug('hidden');
logger.log('error', 'logged at %d', 3);
const child = logger.child({ requestId: 'r1' });
child.info('from child');
const jsonLogger = winston.createLogger({ format: combine(errors({ stack: false }), json()), transports: [new winston.transports.Console({ forceConsole: true })] });
jsonLogger.info('json line', { n: 1, nested: { ok: true } });
jsonLogger.error(new Error('boom'));
const simpleLogger = winston.createLogger({ format: simple(), transports: [new winston.transports.Console({ forceConsole: true })] });
simpleLogger.info('simple', { x: [1, 2] });
const { Writable } = require('stream');
const lines = [];
const mem = winston.createLogger({ format: json(), transports: [new winston.transports.Stream({ stream: new Writable({ objectMode: true, write(c, e, cb) { lines.push(c); cb(); } }) })] });
mem.info('to stream');
mem.on('finish', () => console.log('stream got', lines.length, JSON.stringify(lines[0])));
mem.end();
console.log(Object.keys(winston.config.npm.levels).join(','));
