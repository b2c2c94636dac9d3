/**
 * NATS keys as Nex uses them: ed25519 nkeys for identities and signatures ({@link
 * io.nex.keys.NKeyPair}, {@link io.nex.keys.NKeys}), X25519 "xkeys" that seal a deploy
 * request's environment for one node ({@link io.nex.keys.XKeyPair}), and the workload JWT
 * that ties a workload name and artifact hash to an issuing account ({@link
 * io.nex.keys.WorkloadJwt}).
 *
 * <p>Everything here is byte-compatible with the nkeys libraries (Go, JS) and nats-io/jwt, so
 * keys, sealed environments and JWTs made by Nex's own tooling work unchanged. Refusals are
 * {@link io.nex.keys.KeyException}s with a one-line reason that never contains a secret.
 */
package io.nex.keys;
