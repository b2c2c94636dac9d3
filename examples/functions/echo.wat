;; A wasm function in the handler form: the host puts the subject and payload in memory it gets
;; from alloc, calls handle, and reads the reply's (pointer, length) from the 8-byte slot at out.
;; Status 0 means a reply; anything else means failure, with the slot holding a message.
;; Build: wat2wasm echo.wat -o echo.wasm
(module
  (memory (export "memory") 1)
  (global $next (mut i32) (i32.const 1024))

  ;; A bump allocator, growing memory as needed. Each invocation gets a fresh instance, so
  ;; nothing needs freeing.
  (func (export "alloc") (param $len i32) (result i32)
    (local $at i32)
    (local $end i32)
    (local.set $at (global.get $next))
    (local.set $end (i32.add (local.get $at) (local.get $len)))
    (if (i32.gt_u (local.get $end) (i32.mul (memory.size) (i32.const 65536)))
      (then
        (if (i32.eq (memory.grow (i32.div_u (i32.add (i32.sub (local.get $end) (i32.mul (memory.size) (i32.const 65536)))
                                                     (i32.const 65535))
                                            (i32.const 65536)))
                    (i32.const -1))
          (then unreachable))))
    (global.set $next (local.get $end))
    (local.get $at))

  ;; The reply is the payload, where it already lies.
  (func (export "handle")
        (param $subject i32) (param $subject_len i32) (param $payload i32) (param $payload_len i32) (param $out i32)
        (result i32)
    (i32.store (local.get $out) (local.get $payload))
    (i32.store offset=4 (local.get $out) (local.get $payload_len))
    (i32.const 0)))
