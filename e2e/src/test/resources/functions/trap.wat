;; A handler-form function that traps at once (the function-host tests' bad neighbour).
(module
  (memory (export "memory") 1)
  (func (export "alloc") (param $len i32) (result i32) (i32.const 1024))
  (func (export "handle") (param i32 i32 i32 i32 i32) (result i32) unreachable))
