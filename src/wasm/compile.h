/*
 * compile.h: the function compiler (compile.c), which validates each body
 * and translates it to internal code as the decoder reaches it.
 */
#ifndef COROJS_WASM_COMPILE_H
#define COROJS_WASM_COMPILE_H

#include "internal.h"

/* Internal op numbers, in ops.h's order. */
enum {
#define T 1
#define OP(name, flags) OP_##name,
#include "ops.h"
#undef T
    OP_COUNT
};

/* An operand stack entry at compile time. A value sits in its home slot
   (K_HOME), or is still a local's slot (K_LOCAL, after local.get) or a
   constant (K_CONST) that no instruction has copied yet. */
enum { K_HOME, K_LOCAL, K_CONST };
#define T_ANY 0 /* a value popped from an unreachable, polymorphic stack */

typedef struct cval {
    uint8_t type, kind;
    uint16_t slot, home;
    uint64_t k;
} cval;

enum { F_FUNC, F_BLOCK, F_LOOP, F_IF, F_ELSE };

/* A block being compiled. */
typedef struct cframe {
    uint8_t kind;
    uint8_t unreachable;       /* validation: the stack is polymorphic */
    uint8_t entry_dead;        /* no code path entered the block */
    uint8_t targeted;          /* a branch to its end was emitted */
    uint32_t height;           /* operand entries below its parameters */
    uint16_t home;             /* home slot of its first parameter/result */
    uint32_t nparams, nresults;
    const uint8_t *params, *results;
    int64_t patches;           /* forward branch fields to its end, chained */
    int64_t else_field;        /* if: the branch to else */
    size_t start;              /* loop: offset of its head */
} cframe;

typedef struct wasm_compiler {
    wasm_module *m;
    void *const *labels;
    uint8_t *code;             /* the module's code, growing */
    size_t len, cap;
    wasm_pcmap *map;
    uint32_t nmap, mapcap;
    wasm_reader *r;
    const uint8_t *op_start;   /* the wasm instruction being compiled */

    /* the function */
    const wasm_functype *type;
    uint8_t *ltypes;
    uint16_t *lslot;
    uint32_t nlocals, lcap;
    uint32_t local_cells, max_cells;
    cval *stack;
    uint32_t sp, scap;
    cframe *frames;
    uint32_t nframes, fcap;
    uint32_t pending;          /* K_LOCAL entries on the stack */
    int dead;                  /* the code being emitted is unreachable */
    size_t dead_start;         /* where it became so (truncated on revival) */

    /* the last instruction, for fusing */
    size_t last;               /* its offset, or NO_LAST after a label */
    size_t last_dst;           /* offset of its destination field, or 0 */
    int last_op;               /* its op number */
    size_t prev;               /* the instruction before it, or NO_LAST */
    int prev_op;
    int last_cmp;              /* it was a compare (op number), or -1 */
    uint16_t cmp_a, cmp_b;
    int32_t cmp_imm;
} wasm_compiler;

#define NO_LAST ((size_t)-1)

/* emit.c: appending instructions */
extern const uint8_t wasm__valtypes[256]; /* t -> t for value types, else 0 */
size_t wasm__emit(wasm_compiler *c, int op, size_t size);
void wasm__put16(wasm_compiler *c, size_t at, uint16_t v);
void wasm__put32(wasm_compiler *c, size_t at, uint32_t v);
void wasm__put64(wasm_compiler *c, size_t at, uint64_t v);
uint16_t wasm__get16(wasm_compiler *c, size_t at);
uint32_t wasm__get32(wasm_compiler *c, size_t at);
void wasm__emit_un(wasm_compiler *c, int op, uint16_t d, uint16_t s);              /* d = f(s) */
void wasm__emit_bin(wasm_compiler *c, int op, uint16_t d, uint16_t a, uint16_t b); /* d = f(a, b) */
void wasm__emit_imm(wasm_compiler *c, int op, uint16_t d, uint16_t a, uint32_t imm);
void wasm__emit_move(wasm_compiler *c, uint16_t d, const cval *v);  /* slot d = v */
int wasm__fits32(uint64_t k);          /* k is a sign-extended 32-bit value */
void wasm__label(wasm_compiler *c);    /* code may jump here: nothing fuses across it */
const char *wasm__type_name(uint8_t t);
int wasm__memarg(wasm_compiler *c, uint32_t natural_align, uint32_t *mem, uint64_t *offset);

/* emit.c: the operand stack */
uint32_t wasm__next_home(wasm_compiler *c);          /* the home of the next entry */
cval *wasm__push_entry(wasm_compiler *c, uint8_t type);
uint16_t wasm__push(wasm_compiler *c, uint8_t type); /* a value in its home; the slot */
void wasm__push_const(wasm_compiler *c, uint8_t type, uint64_t k);
int wasm__pop(wasm_compiler *c, uint8_t type, cval *out); /* T_ANY: any type */
uint16_t wasm__src(wasm_compiler *c, cval *v);       /* the slot holding v (constants copied) */
void wasm__materialize(wasm_compiler *c, uint32_t i);  /* entry i into its home */
int wasm__local_conflicts(wasm_compiler *c, uint16_t s, int fix);
void wasm__materialize_locals(wasm_compiler *c);
int wasm__retargetable(wasm_compiler *c, const cval *v);

/* compile.c */
wasm_compiler *wasm__compiler_new(wasm_module *m);
/* Validates and compiles the body of function `index`: r spans the body. */
int wasm__compile_func(wasm_compiler *c, uint32_t index, wasm_reader *r);
/* After the last section: moves the code into the module. */
int wasm__compiler_finish(wasm_compiler *c, wasm_error *err);
void wasm__compiler_free(wasm_compiler *c);

/* compile_simd.c */
int wasm__compile_simd(wasm_compiler *c);

#endif
