;; A handler that changes its own state on every call: a global counter and a byte of memory,
;; both answered back as digits. From a fresh state the answer is always "11". A payload starting
;; with "g" also grows memory by a page first.
(module
  (memory (export "memory") 1)
  (global $next (mut i32) (i32.const 1024))
  (global $calls (mut i32) (i32.const 0))

  (func (export "alloc") (param $len i32) (result i32)
    (local $at i32)
    (local.set $at (global.get $next))
    (global.set $next (i32.add (local.get $at) (local.get $len)))
    (local.get $at))

  (func (export "handle")
        (param $subject i32) (param $subject_len i32) (param $payload i32) (param $payload_len i32) (param $out i32)
        (result i32)
    (if (i32.and (i32.gt_u (local.get $payload_len) (i32.const 0))
                 (i32.eq (i32.load8_u (local.get $payload)) (i32.const 103)))
      (then (drop (memory.grow (i32.const 1)))))
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (i32.store8 (i32.const 16) (i32.add (i32.load8_u (i32.const 16)) (i32.const 1)))
    (i32.store8 (i32.const 32) (i32.add (i32.const 48) (global.get $calls)))
    (i32.store8 (i32.const 33) (i32.add (i32.const 48) (i32.load8_u (i32.const 16))))
    (i32.store (local.get $out) (i32.const 32))
    (i32.store offset=4 (local.get $out) (i32.const 2))
    (i32.const 0)))
