// Answers NkeysJsInteropTest's requests with @nats-io/nkeys, the reference JS implementation.
// Reads a JSON array of requests on stdin, writes a JSON array of results on stdout.
// Binary values travel as standard base64.
"use strict";
const nkeys = require("@nats-io/nkeys");
const { base32 } = require("@nats-io/nkeys/lib/base32");
const crypto = require("node:crypto");

const enc = new TextEncoder();
const b64 = (bytes) => Buffer.from(bytes).toString("base64");
const unb64 = (text) => new Uint8Array(Buffer.from(text, "base64"));
const b64url = (bytes) => Buffer.from(bytes).toString("base64url");
const fromSeed = (seed) => nkeys.fromSeed(enc.encode(seed));

const ops = {
  publicKey: (r) => ({ publicKey: fromSeed(r.seed).getPublicKey() }),
  seal: (r) => ({ sealed: b64(fromSeed(r.seed).seal(unb64(r.plaintext), r.recipient)) }),
  open: (r) => {
    const plaintext = fromSeed(r.seed).open(unb64(r.sealed), r.sender);
    return plaintext === null ? { error: "open failed" } : { plaintext: b64(plaintext) };
  },
  sign: (r) => ({ signature: b64(fromSeed(r.seed).sign(unb64(r.data))) }),
  verify: (r) => ({ valid: nkeys.fromPublic(r.publicKey).verify(unb64(r.data), unb64(r.signature)) }),
  verifyJwt: (r) => {
    const [header, payload, signature] = r.jwt.split(".");
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    const valid = nkeys.fromPublic(claims.iss)
      .verify(enc.encode(header + "." + payload), new Uint8Array(Buffer.from(signature, "base64url")));
    return { valid, header: JSON.parse(Buffer.from(header, "base64url").toString("utf8")), claims };
  },
  issueJwt: (r) => {
    const account = fromSeed(r.seed);
    const claims = { jti: "", iat: r.iat, iss: account.getPublicKey(), sub: r.name, nats: { hash: r.hash, version: 2 } };
    claims.jti = new TextDecoder().decode(
      base32.encode(crypto.createHash("sha512-256").update(JSON.stringify(claims)).digest()));
    const signingInput = b64url(JSON.stringify({ typ: "JWT", alg: "ed25519-nkey" })) + "." + b64url(JSON.stringify(claims));
    return { jwt: signingInput + "." + b64url(account.sign(enc.encode(signingInput))) };
  },
};

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const results = JSON.parse(input).map((request) => {
    try {
      return ops[request.op](request);
    } catch (e) {
      return { error: String(e && e.message ? e.message : e) };
    }
  });
  process.stdout.write(JSON.stringify(results));
});
