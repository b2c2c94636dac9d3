;; Handler form that misbehaves on request, and otherwise echoes, so one runner can show it
;; survives each failure. The payload's first byte picks:
;;   'l' loop forever    'g' grow memory until refused, then trap
;;   't' trap            'f' fail with status 1 and the message "no thanks"
;;   'r' recurse without end
(module
  (memory (export "memory") 1)
  (data (i32.const 32) "no thanks")
  (global $next (mut i32) (i32.const 1024))

  (func (export "alloc") (param $len i32) (result i32)
    (local $at i32)
    (local.set $at (global.get $next))
    (global.set $next (i32.add (global.get $next) (local.get $len)))
    (local.get $at))

  (func $recurse (call $recurse))

  (func (export "handle")
        (param $subject i32) (param $subject_len i32) (param $payload i32) (param $payload_len i32) (param $out i32)
        (result i32)
    (local $op i32)
    (if (local.get $payload_len)
      (then (local.set $op (i32.load8_u (local.get $payload)))))
    (if (i32.eq (local.get $op) (i32.const 108))
      (then (loop $forever (br $forever))))
    (if (i32.eq (local.get $op) (i32.const 103))
      (then
        (loop $more
          (br_if $more (i32.ne (memory.grow (i32.const 16)) (i32.const -1))))
        unreachable))
    (if (i32.eq (local.get $op) (i32.const 116))
      (then unreachable))
    (if (i32.eq (local.get $op) (i32.const 114))
      (then (call $recurse)))
    (if (i32.eq (local.get $op) (i32.const 102))
      (then
        (i32.store (local.get $out) (i32.const 32))
        (i32.store offset=4 (local.get $out) (i32.const 9))
        (return (i32.const 1))))
    (i32.store (local.get $out) (local.get $payload))
    (i32.store offset=4 (local.get $out) (local.get $payload_len))
    (i32.const 0)))
