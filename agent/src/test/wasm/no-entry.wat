;; Neither _start nor handle: not a function.
(module
  (memory (export "memory") 1)
  (func (export "main") (result i32) (i32.const 0)))
