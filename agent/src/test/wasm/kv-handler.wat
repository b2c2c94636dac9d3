;; Handler form with host services: stores the payload under "greeting", reads it back and
;; replies with what it read. Host results land in the handler's own result slot, so a failed
;; kv_set's reason (status 2) or kv_get's "not found" (status 1) passes straight through.
(module
  (import "nex" "kv_set" (func $kv_set (param i32 i32 i32 i32 i32) (result i32)))
  (import "nex" "kv_get" (func $kv_get (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "greeting")
  (global $next (mut i32) (i32.const 1024))

  (func (export "alloc") (param $len i32) (result i32)
    (local $at i32)
    (local.set $at (global.get $next))
    (global.set $next (i32.add (global.get $next) (local.get $len)))
    (local.get $at))

  (func (export "handle")
        (param $subject i32) (param $subject_len i32) (param $payload i32) (param $payload_len i32) (param $out i32)
        (result i32)
    (local $status i32)
    (local.set $status
      (call $kv_set (i32.const 16) (i32.const 8) (local.get $payload) (local.get $payload_len) (local.get $out)))
    (if (local.get $status) (then (return (local.get $status))))
    (call $kv_get (i32.const 16) (i32.const 8) (local.get $out))))
