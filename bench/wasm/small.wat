;; bench/wasm/small.wat: a small module for the instantiation figures: a
;; table, a global and a few functions, no linear memory.
(module
  (table 4 funcref)
  (global $g (mut i32) (i32.const 0))
  (func $add (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "bump") (result i32) (global.set $g (i32.add (global.get $g) (i32.const 1))) (global.get $g))
  (func (export "call") (param i32) (result i32) (call_indirect (param i32 i32) (result i32) (i32.const 1) (i32.const 2) (local.get 0)))
  (elem (i32.const 0) $add))
