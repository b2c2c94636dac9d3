;; Imports something the host does not offer.
(module
  (import "env" "secret" (func $secret (result i32)))
  (func (export "_start") (drop (call $secret))))
