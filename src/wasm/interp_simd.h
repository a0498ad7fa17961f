/*
 * interp_simd.h: the handlers of the 128-bit SIMD instructions; a part of
 * wasm__run's body in interp.c (included inside the function).
 */
