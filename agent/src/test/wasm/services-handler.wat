;; Handler form that calls one nex import per request and replies with the host's raw result, so
;; a test can check each import's arguments and result layout. The payload's first byte picks
;; the call; the rest of the payload is the data it sends:
;;   'k' kv_keys                     'g' kv_get "missing"
;;   'o' object_put "doc", then object_list
;;   'd' kv_delete "k", object_get "doc", object_delete "doc"
;;   'p' publish "events.x"          'r' request "svc"          'm' request_many "svc"
;;   'h' http post https://example.com with header accept: text/plain
;;   'l' log "hello log"
(module
  (import "nex" "kv_get" (func $kv_get (param i32 i32 i32) (result i32)))
  (import "nex" "kv_delete" (func $kv_delete (param i32 i32 i32) (result i32)))
  (import "nex" "kv_keys" (func $kv_keys (param i32) (result i32)))
  (import "nex" "object_get" (func $object_get (param i32 i32 i32) (result i32)))
  (import "nex" "object_put" (func $object_put (param i32 i32 i32 i32 i32) (result i32)))
  (import "nex" "object_delete" (func $object_delete (param i32 i32 i32) (result i32)))
  (import "nex" "object_list" (func $object_list (param i32) (result i32)))
  (import "nex" "publish" (func $publish (param i32 i32 i32 i32 i32) (result i32)))
  (import "nex" "request" (func $request (param i32 i32 i32 i32 i32) (result i32)))
  (import "nex" "request_many" (func $request_many (param i32 i32 i32 i32 i32) (result i32)))
  (import "nex" "http" (func $http (param i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "nex" "log" (func $log (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "missing")
  (data (i32.const 32) "doc")
  (data (i32.const 48) "events.x")
  (data (i32.const 64) "svc")
  (data (i32.const 80) "post")
  (data (i32.const 96) "https://example.com")
  (data (i32.const 128) "\06\00\00\00accept\0a\00\00\00text/plain")
  (data (i32.const 160) "hello log")
  (data (i32.const 176) "k")
  (global $next (mut i32) (i32.const 1024))

  (func (export "alloc") (param $len i32) (result i32)
    (local $at i32)
    (local.set $at (global.get $next))
    (global.set $next (i32.add (global.get $next) (local.get $len)))
    (local.get $at))

  (func (export "handle")
        (param $subject i32) (param $subject_len i32) (param $payload i32) (param $payload_len i32) (param $out i32)
        (result i32)
    (local $op i32)
    (local $rest i32)
    (local $rest_len i32)
    (local.set $op (i32.load8_u (local.get $payload)))
    (local.set $rest (i32.add (local.get $payload) (i32.const 1)))
    (local.set $rest_len (i32.sub (local.get $payload_len) (i32.const 1)))
    (if (i32.eq (local.get $op) (i32.const 107))
      (then (return (call $kv_keys (local.get $out)))))
    (if (i32.eq (local.get $op) (i32.const 103))
      (then (return (call $kv_get (i32.const 16) (i32.const 7) (local.get $out)))))
    (if (i32.eq (local.get $op) (i32.const 111))
      (then
        (drop (call $object_put (i32.const 32) (i32.const 3) (local.get $rest) (local.get $rest_len) (local.get $out)))
        (return (call $object_list (local.get $out)))))
    (if (i32.eq (local.get $op) (i32.const 100))
      (then
        (drop (call $kv_delete (i32.const 176) (i32.const 1) (local.get $out)))
        (drop (call $object_get (i32.const 32) (i32.const 3) (local.get $out)))
        (return (call $object_delete (i32.const 32) (i32.const 3) (local.get $out)))))
    (if (i32.eq (local.get $op) (i32.const 112))
      (then
        (return (call $publish (i32.const 48) (i32.const 8) (local.get $rest) (local.get $rest_len) (local.get $out)))))
    (if (i32.eq (local.get $op) (i32.const 114))
      (then
        (return (call $request (i32.const 64) (i32.const 3) (local.get $rest) (local.get $rest_len) (local.get $out)))))
    (if (i32.eq (local.get $op) (i32.const 109))
      (then
        (return
          (call $request_many (i32.const 64) (i32.const 3) (local.get $rest) (local.get $rest_len) (local.get $out)))))
    (if (i32.eq (local.get $op) (i32.const 104))
      (then
        (return
          (call $http (i32.const 80) (i32.const 4) (i32.const 96) (i32.const 19) (i32.const 128) (i32.const 24)
                      (local.get $rest) (local.get $rest_len) (local.get $out)))))
    (if (i32.eq (local.get $op) (i32.const 108))
      (then
        (call $log (i32.const 160) (i32.const 9))
        (i32.store (local.get $out) (i32.const 0))
        (i32.store offset=4 (local.get $out) (i32.const 0))
        (return (i32.const 0))))
    unreachable))
