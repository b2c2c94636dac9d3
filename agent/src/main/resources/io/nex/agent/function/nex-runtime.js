// The agent's JavaScript runtime around a function, run once per V8 isolate before any user code.
// It is a classic script evaluating to a function that takes the Java-side bridges and returns
// the entry points the agent calls. Nothing here is reachable from user code but what it puts on
// the global object: console, TextEncoder, TextDecoder and hostServices.
(function (hostCall, logLine) {
  'use strict';
  const G = globalThis;
  const freeze = Object.freeze;
  const stringify = JSON.stringify;
  const parse = JSON.parse;
  const fromCharCode = String.fromCharCode;
  const ArrayFrom = Array.from;
  const isArray = Array.isArray;
  const Uint8ArrayOf = Uint8Array;

  // --- TextEncoder / TextDecoder: UTF-8 only, as V8 alone has neither -------------------------
  function encodeUtf8(text) {
    const s = String(text === undefined ? '' : text);
    const out = new Uint8ArrayOf(s.length * 3);
    let n = 0;
    for (let i = 0; i < s.length; i++) {
      let c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
        } else {
          c = 0xfffd;
        }
      } else if (c >= 0xd800 && c <= 0xdfff) {
        c = 0xfffd;
      }
      if (c < 0x80) {
        out[n++] = c;
      } else if (c < 0x800) {
        out[n++] = 0xc0 | (c >> 6); out[n++] = 0x80 | (c & 63);
      } else if (c < 0x10000) {
        out[n++] = 0xe0 | (c >> 12); out[n++] = 0x80 | ((c >> 6) & 63); out[n++] = 0x80 | (c & 63);
      } else {
        out[n++] = 0xf0 | (c >> 18); out[n++] = 0x80 | ((c >> 12) & 63);
        out[n++] = 0x80 | ((c >> 6) & 63); out[n++] = 0x80 | (c & 63);
      }
    }
    return out.slice(0, n);
  }

  function bytesOf(input) {
    if (input instanceof Uint8ArrayOf) return input;
    if (ArrayBuffer.isView(input)) return new Uint8ArrayOf(input.buffer, input.byteOffset, input.byteLength);
    if (input instanceof ArrayBuffer) return new Uint8ArrayOf(input);
    if (isArray(input)) return Uint8ArrayOf.from(input); // what hostServices return, as in Nex
    return null;
  }

  function decodeUtf8(input) {
    const b = bytesOf(input);
    if (b === null) {
      if (input === undefined) return '';
      throw new TypeError('TextDecoder.decode takes an ArrayBuffer, a typed array or an array of bytes');
    }
    let out = '';
    let units = [];
    const flush = () => { out += fromCharCode.apply(null, units); units = []; };
    for (let i = 0; i < b.length;) {
      const c = b[i];
      let cp = 0xfffd;
      let need = 0;
      if (c < 0x80) { cp = c; need = 0; }
      else if (c >= 0xc2 && c <= 0xdf) { cp = c & 0x1f; need = 1; }
      else if (c >= 0xe0 && c <= 0xef) { cp = c & 0x0f; need = 2; }
      else if (c >= 0xf0 && c <= 0xf4) { cp = c & 0x07; need = 3; }
      else { need = -1; }
      i++;
      if (need > 0) {
        let j = 0;
        for (; j < need && i < b.length && (b[i] & 0xc0) === 0x80; j++, i++) cp = (cp << 6) | (b[i] & 0x3f);
        const min = need === 1 ? 0x80 : need === 2 ? 0x800 : 0x10000;
        if (j < need || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) cp = 0xfffd;
      } else if (need < 0) {
        cp = 0xfffd;
      }
      if (cp >= 0x10000) {
        cp -= 0x10000;
        units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
      } else {
        units.push(cp);
      }
      if (units.length >= 8192) flush();
    }
    flush();
    return out;
  }

  class TextEncoder {
    get encoding() { return 'utf-8'; }
    encode(text) { return encodeUtf8(text); }
  }
  class TextDecoder {
    constructor(label) {
      const name = label === undefined ? 'utf-8' : String(label).trim().toLowerCase();
      if (name !== 'utf-8' && name !== 'utf8' && name !== 'unicode-1-1-utf-8') {
        throw new RangeError('TextDecoder supports utf-8 only, not ' + label);
      }
    }
    get encoding() { return 'utf-8'; }
    decode(input) { return decodeUtf8(input); }
  }

  // --- console: every level becomes log lines of the workload ---------------------------------
  function show(value) {
    if (typeof value === 'string') return value;
    if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) {
      try {
        const json = stringify(value);
        if (typeof json === 'string') return json;
      } catch (cyclicOrBigInt) {
        // shown by String() below
      }
    }
    try { return String(value); } catch (e) { return Object.prototype.toString.call(value); }
  }
  const console = {};
  for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace']) {
    console[level] = function (...args) { logLine(args.map(show).join(' ')); };
  }

  // --- hostServices, shaped as Nex 0.2.7 shaped them ------------------------------------------
  // hostCall(service, method, name, bytes, headersJson) answers a Uint8Array (done), null (no such
  // key or object) or a string: the host's reason for refusing or failing.
  function payloadOf(value) {
    if (value === undefined || value === null) return new Uint8ArrayOf(0);
    const b = bytesOf(value);
    if (b !== null) return b;
    if (typeof value === 'string') return encodeUtf8(value);
    return encodeUtf8(stringify(value));
  }
  function required(value, call, what) {
    if (value === undefined || value === null) throw new TypeError(call + ' needs a ' + what);
    return String(value);
  }
  function call(service, method, label, name, body, headers) {
    const result = hostCall(service, method, name, body === undefined ? null : body,
      headers === undefined ? null : headers);
    if (typeof result === 'string') throw new Error(label + ': ' + result);
    return result;
  }
  // a list of byte strings, each a little-endian u32 length and its bytes (as for WebAssembly)
  function framed(bytes) {
    const items = [];
    for (let i = 0; bytes !== null && i + 4 <= bytes.length;) {
      const n = (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)) >>> 0;
      items.push(ArrayFrom(bytes.subarray(i + 4, i + 4 + n)));
      i += 4 + n;
    }
    return items;
  }
  const numbers = (bytes) => bytes === null ? null : ArrayFrom(bytes);
  const json = (bytes) => bytes === null || bytes.length === 0 ? null : parse(decodeUtf8(bytes));
  function headersJson(headers) {
    if (headers === undefined || headers === null) return null;
    const out = {};
    for (const key of Object.keys(headers)) out[key] = String(headers[key]);
    return stringify(out);
  }
  function httpCall(method, url, body, headers) {
    const bytes = call('http', method, 'http.' + method, required(url, 'http.' + method, 'url'),
      body === undefined ? null : payloadOf(body), headersJson(headers));
    const answer = json(bytes) || {};
    const response = { status: answer.status, headers: answer.headers || {} };
    if (method !== 'head') {
      response.response = answer.body === undefined || answer.body === '' ? null : answer.body;
    }
    return response;
  }
  const hostServices = {
    kv: {
      get: (key) => numbers(call('kv', 'get', 'kv.get', required(key, 'kv.get', 'key'))),
      set: (key, value) => { call('kv', 'set', 'kv.set', required(key, 'kv.set', 'key'), payloadOf(value)); },
      delete: (key) => { call('kv', 'delete', 'kv.delete', required(key, 'kv.delete', 'key')); },
      keys: () => json(call('kv', 'keys', 'kv.keys', null)) || [],
    },
    objectStore: {
      get: (name) => numbers(call('objectstore', 'get', 'objectStore.get', required(name, 'objectStore.get', 'name'))),
      put: (name, value) => json(call('objectstore', 'put', 'objectStore.put',
        required(name, 'objectStore.put', 'name'), payloadOf(value))),
      delete: (name) => { call('objectstore', 'delete', 'objectStore.delete', required(name, 'objectStore.delete', 'name')); },
      list: () => json(call('objectstore', 'list', 'objectStore.list', null)) || [],
    },
    messaging: {
      publish: (subject, payload) => {
        call('messaging', 'publish', 'messaging.publish', required(subject, 'messaging.publish', 'subject'), payloadOf(payload));
      },
      request: (subject, payload) => numbers(call('messaging', 'request', 'messaging.request',
        required(subject, 'messaging.request', 'subject'), payloadOf(payload))) || [],
      requestMany: (subject, payload) => {
        return framed(call('messaging', 'requestMany', 'messaging.requestMany',
          required(subject, 'messaging.requestMany', 'subject'), payloadOf(payload)));
      },
    },
    http: {
      get: (url, headers) => httpCall('get', url, undefined, headers),
      post: (url, body, headers) => httpCall('post', url, body, headers),
      put: (url, body, headers) => httpCall('put', url, body, headers),
      patch: (url, body, headers) => httpCall('patch', url, body, headers),
      delete: (url, headers) => httpCall('delete', url, undefined, headers),
      head: (url, headers) => httpCall('head', url, undefined, headers),
    },
  };

  const define = (name, value) => Object.defineProperty(G, name, { value, writable: false, enumerable: false, configurable: false });
  define('console', console);
  define('TextEncoder', TextEncoder);
  define('TextDecoder', TextDecoder);
  define('hostServices', hostServices);

  // --- hardening: nothing a call can reach outlives it -----------------------------------------
  // Legacy RegExp statics ($1, lastMatch, ...) would carry the last match from one call to the next.
  for (const key of Object.getOwnPropertyNames(RegExp)) {
    if (key.startsWith('$') || ['input', 'lastMatch', 'lastParen', 'leftContext', 'rightContext'].includes(key)) {
      delete RegExp[key];
    }
  }
  // Frozen prototypes would make `obj.toString = f` fail on every object (the "override
  // mistake"); these stay assignable on objects that inherit them. Only these: an accessor on
  // Array.prototype.constructor and the like would cost V8 its fast paths for every array.
  const errors = [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError];
  const overridable = [
    [Object.prototype, ['toString', 'valueOf', 'toLocaleString', 'hasOwnProperty', 'constructor']],
    [Function.prototype, ['toString']],
    ...errors.map((type) => [type.prototype, ['name', 'message', 'toString', 'constructor']]),
  ];
  function allowOverride(proto, keys) {
    for (const key of keys) {
      const desc = Object.getOwnPropertyDescriptor(proto, key);
      if (!desc || !('value' in desc) || !desc.configurable) continue;
      const value = desc.value;
      Object.defineProperty(proto, key, {
        get() { return value; },
        set(replacement) {
          if (this === proto) throw new TypeError('Cannot assign to read only property \'' + key + '\'');
          Object.defineProperty(this, key, { value: replacement, writable: true, enumerable: true, configurable: true });
        },
        enumerable: desc.enumerable,
        configurable: false,
      });
    }
  }
  for (const [proto, keys] of overridable) allowOverride(proto, keys);
  const hidden = [
    Object.getPrototypeOf(function* () {}),
    Object.getPrototypeOf(async function () {}),
    Object.getPrototypeOf(async function* () {}),
    Object.getPrototypeOf([][Symbol.iterator]()),
    Object.getPrototypeOf(new Map().entries()),
    Object.getPrototypeOf(new Set().entries()),
    Object.getPrototypeOf(''[Symbol.iterator]()),
    Object.getPrototypeOf('a'.matchAll(/a/g)),
    Object.getPrototypeOf(Uint8Array),
  ];
  const seen = new WeakSet();
  function harden(root) {
    const todo = [root];
    while (todo.length > 0) {
      const value = todo.pop();
      if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) continue;
      seen.add(value);
      freeze(value);
      todo.push(Object.getPrototypeOf(value));
      for (const key of Reflect.ownKeys(value)) {
        const desc = Object.getOwnPropertyDescriptor(value, key);
        if ('value' in desc) todo.push(desc.value);
        if (desc.get) todo.push(desc.get);
        if (desc.set) todo.push(desc.set);
      }
    }
  }

  // --- one call --------------------------------------------------------------------------------
  // A classic script is evaluated anew per call inside `with` over a proxy of a fresh object
  // whose prototype is the frozen global: its var and function declarations, undeclared
  // assignments and globalThis.x all land on that object and die with the call.
  const GlobalFunction = Function;
  const classicEntry = new GlobalFunction('scope',
    'with (scope) { return function () { return eval(arguments[0]); }; }');
  function callScope() {
    const own = Object.create(G);
    const scope = new Proxy(own, {
      has: (target, key) => typeof key === 'string',
      get: (target, key) => key === Symbol.unscopables ? undefined : key === 'globalThis' ? own : target[key],
      set: (target, key, value) => {
        Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
        return true;
      },
    });
    return { own, scope };
  }
  function describe(value) {
    return value === null ? 'null' : typeof value;
  }
  function evaluateClassic(source) {
    const { own, scope } = callScope();
    const exported = classicEntry(scope).call(own, source);
    if (typeof exported !== 'function') {
      throw new TypeError('the script must evaluate to a function (subject, payload); it evaluated to ' + describe(exported));
    }
    return { fn: exported, self: own };
  }
  function callClassic(source, subject, payload) {
    const { fn, self } = evaluateClassic(source);
    return fn.call(self, subject, payload);
  }
  function callModuleDefault(exported, subject, payload) {
    if (typeof exported !== 'function') {
      throw new TypeError('the module\'s default export must be a function; it is ' + describe(exported));
    }
    const result = exported(subject, payload);
    return typeof result === 'function' ? result(subject, payload) : result;
  }
  function reply(value) {
    const text = stringify(value);
    return typeof text === 'string' ? text : '';
  }
  const isPromise = (value) => value instanceof Promise;
  // One call of a classic script: its reply's JSON, or the Promise it returned (the agent waits for it).
  // The payload comes as its length when the agent wrote it into `exchange` (memory shared with
  // Java: one copy instead of a new typed array handed over per call), else as a Uint8Array.
  function prepareClassic(source, exchange) {
    return function (subject, payload) {
      const bytes = typeof payload === 'number' ? new Uint8ArrayOf(exchange, 0, payload).slice() : payload;
      const result = callClassic(source, subject, bytes);
      return isPromise(result) ? result : reply(result);
    };
  }
  harden(G);
  for (const intrinsic of hidden) harden(intrinsic);
  return freeze({ prepareClassic, callModuleDefault, reply });
})
