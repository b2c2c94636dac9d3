// A classic script in today's JavaScript: a class with a private field, spread, optional chaining.
class Counter {
  #seen = [];
  add(...items) { this.#seen.push(...items); return this; }
  get size() { return this.#seen.length; }
}
(subject, payload) => {
  const counter = new Counter().add(...payload);
  return { subject, size: counter.size, first: String.fromCharCode(...payload.slice(0, 1)), deep: ({}).a?.b ?? 'none' };
}
