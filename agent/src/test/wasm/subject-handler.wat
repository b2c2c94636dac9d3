;; Handler form: the reply is the trigger subject.
(module
  (memory (export "memory") 1)
  (global $next (mut i32) (i32.const 1024))

  ;; A bump allocator that never grows: the test payloads are small.
  (func (export "alloc") (param $len i32) (result i32)
    (local $at i32)
    (local.set $at (global.get $next))
    (global.set $next (i32.add (global.get $next) (local.get $len)))
    (local.get $at))

  (func (export "handle")
        (param $subject i32) (param $subject_len i32) (param $payload i32) (param $payload_len i32) (param $out i32)
        (result i32)
    (i32.store (local.get $out) (local.get $subject))
    (i32.store offset=4 (local.get $out) (local.get $subject_len))
    (i32.const 0)))
