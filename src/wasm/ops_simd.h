/*
 * ops_simd.h: the 128-bit SIMD instructions (part of ops.h's list).
 */
