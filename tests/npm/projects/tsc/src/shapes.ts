export type Shape =
  | { kind: 'circle'; radius: number }
  | { kind: 'rect'; width: number; height: number }
  | { kind: 'triangle'; base: number; height: number };

export function area(s: Shape): number {
  switch (s.kind) {
    case 'circle':
      return Math.PI * s.radius ** 2;
    case 'rect':
      return s.width * s.height;
    case 'triangle':
      return (s.base * s.height) / 2;
  }
}

export abstract class Named {
  constructor(public readonly name: string) {}
  abstract describe(): string;
}

export class Box<T> extends Named {
  #items: T[] = [];
  add(...items: T[]): this {
    this.#items.push(...items);
    return this;
  }
  get size(): number {
    return this.#items.length;
  }
  describe(): string {
    return `${this.name} holds ${this.size} item(s)`;
  }
}
