;; Hello, world in Dagger (the talk's first example), in the text format:
;;
;;   wat2wasm hello_dagger.wat && corojs hello_dagger.wasm
;;
;; No stream is open at the start: it opens stdout://, writes, closes, and
;; dagger_main's result is the exit status.
(module
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (import "dagger" "write" (func $write (param i32 i32 i32) (result i32)))
  (import "dagger" "close" (func $close (param i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "stdout://")
  (data (i32.const 16) "Hello, world!\n")
  (func (export "dagger_main") (result i32)
    (local $fd i32)
    (local.set $fd (call $open (i32.const 0) (i32.const 9)))
    (if (i32.lt_s (local.get $fd) (i32.const 0)) (then (return (i32.const 1))))
    (drop (call $write (local.get $fd) (i32.const 16) (i32.const 14)))
    (drop (call $close (local.get $fd)))
    (i32.const 0)))
