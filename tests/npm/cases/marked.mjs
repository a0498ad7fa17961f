import { marked, Marked } from 'marked';
console.log(marked.parse('# Title\n\nSome *emphasis*, **strong**, `code` and [a link](http://x.y "t").\n\n- one\n- two\n\n1. a\n2. b\n\n> quote\n\n```js\nlet x = 1 < 2;\n```\n\n| a | b |\n|---|:-:|\n| 1 | 2 |\n'));
console.log(marked.parseInline('**bold** & <i>'));
const m = new Marked({ renderer: { heading({ tokens, depth }) { return `<h${depth} class="x">${this.parser.parseInline(tokens)}</h${depth}>\n`; } } });
console.log(m.parse('## Hi _there_'));
console.log(JSON.stringify(marked.lexer('a\n\nb').map((t) => t.type)));
