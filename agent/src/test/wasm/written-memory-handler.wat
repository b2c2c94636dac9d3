;; A handler that checks that memory is as a new instance has it, then writes across it: a store
;; over a 4 KiB boundary, the last byte, a data segment on each page, a fill and a copy. Its
;; answer is "0" from a fresh state, else the letter of the first check that found a write of an
;; earlier call ("a" for the first).
(module
  (memory (export "memory") 2)
  (global $next (mut i32) (i32.const 1024))
  (data (i32.const 8192) "seed")
  (data (i32.const 70000) "more")

  (func (export "alloc") (param $len i32) (result i32)
    (local $at i32)
    (local.set $at (global.get $next))
    (global.set $next (i32.add (local.get $at) (local.get $len)))
    (local.get $at))

  (func $first_failed (result i32)
    (if (i64.ne (i64.load (i32.const 4092)) (i64.const 0)) (then (return (i32.const 1))))
    (if (i32.ne (i32.load8_u (i32.const 131071)) (i32.const 0)) (then (return (i32.const 2))))
    (if (i32.ne (i32.load (i32.const 8192)) (i32.const 0x64656573)) (then (return (i32.const 3))))
    (if (i32.ne (i32.load8_u (i32.const 20000)) (i32.const 0)) (then (return (i32.const 4))))
    (if (i32.ne (i32.load8_u (i32.const 24999)) (i32.const 0)) (then (return (i32.const 5))))
    (if (i32.ne (i32.load8_u (i32.const 100000)) (i32.const 0)) (then (return (i32.const 6))))
    (if (i32.ne (i32.load8_u (i32.const 100099)) (i32.const 0)) (then (return (i32.const 7))))
    (if (i32.ne (i32.load (i32.const 70000)) (i32.const 0x65726f6d)) (then (return (i32.const 8))))
    (i32.const 0))

  (func (export "handle")
        (param $subject i32) (param $subject_len i32) (param $payload i32) (param $payload_len i32) (param $out i32)
        (result i32)
    (local $failed i32)
    (local.set $failed (call $first_failed))
    (i64.store (i32.const 4092) (i64.const -1))
    (i32.store8 (i32.const 131071) (i32.const 1))
    (i32.store (i32.const 8192) (i32.const 0))
    (memory.fill (i32.const 20000) (i32.const 7) (i32.const 5000))
    (memory.copy (i32.const 100000) (i32.const 20000) (i32.const 100))
    (i32.store (i32.const 70000) (i32.const 0))
    (i32.store8 (i32.const 512) (select (i32.add (i32.const 96) (local.get $failed)) (i32.const 48) (local.get $failed)))
    (i32.store (local.get $out) (i32.const 512))
    (i32.store offset=4 (local.get $out) (i32.const 1))
    (i32.const 0)))
