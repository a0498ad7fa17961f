/*
 * bench/wasm/kernels.c: CoreMark-like kernels (our own code): a CRC, a
 * matrix multiply, a linked-list merge sort, a state machine over number
 * strings, and a float kernel. No libc, so the same file builds natively
 * (gcc -O2) and for wasm32 (clang, exported functions, nothing imported).
 * Each takes a repetition count and returns a checksum.
 */
typedef unsigned int u32; typedef unsigned short u16; typedef unsigned char u8;
static u16 crc16(u8 data, u16 crc) {
    for (int i = 0; i < 8; i++) { u8 x = (data & 1) ^ (crc & 1); data >>= 1;
        if (x) { crc ^= 0x4002; crc >>= 1; crc |= 0x8000; } else crc >>= 1; }
    return crc;
}
static u8 buf[4096];
u32 crc_kernel(int n) {
    u16 crc = 0;
    for (int r = 0; r < n; r++) for (int i = 0; i < 4096; i++) { buf[i] = (u8)(i * 7 + r); crc = crc16(buf[i], crc); }
    return crc;
}
#define N 64
static int ma[N*N], mb[N*N], mc[N*N];
u32 matrix_kernel(int n) {
    u32 s = 0;
    for (int r = 0; r < n; r++) {
        for (int i = 0; i < N*N; i++) { ma[i] = i + r; mb[i] = i ^ r; }
        for (int i = 0; i < N; i++) for (int j = 0; j < N; j++) { int acc = 0;
            for (int k = 0; k < N; k++) acc += ma[i*N+k] * mb[k*N+j]; mc[i*N+j] = acc; }
        for (int i = 0; i < N*N; i++) s += mc[i];
    }
    return s;
}
struct node { struct node *next; int val; };
static struct node nodes[1000];
static struct node *sort(struct node *h) { /* merge sort */
    if (!h || !h->next) return h;
    struct node *a = h, *b = h->next;
    while (b && b->next) { a = a->next; b = b->next->next; }
    b = a->next; a->next = 0;
    a = sort(h); b = sort(b);
    struct node head, *t = &head;
    while (a && b) { if (a->val <= b->val) { t->next = a; a = a->next; } else { t->next = b; b = b->next; } t = t->next; }
    t->next = a ? a : b;
    return head.next;
}
u32 list_kernel(int n) {
    u32 s = 0, seed = 1;
    for (int r = 0; r < n; r++) {
        for (int i = 0; i < 1000; i++) { seed = seed * 1103515245 + 12345; nodes[i].val = (seed >> 8) & 0xffff; nodes[i].next = i < 999 ? &nodes[i+1] : 0; }
        struct node *h = sort(&nodes[0]);
        for (int i = 0; h; h = h->next, i++) s += h->val * i;
    }
    return s;
}
static const char *inputs[] = { "123", "-45.6e7", "0x1f", "abc", "+.5", "9e", "77.", "--1", "3.14159", "-0" };
u32 state_kernel(int n) {
    u32 counts[8] = {0};
    for (int r = 0; r < n; r++) for (int k = 0; k < 10; k++) {
        const char *p = inputs[(k + r) % 10]; int st = 0;
        for (; *p && st != 7; p++) { char c = *p;
            switch (st) {
            case 0: st = (c == '+' || c == '-') ? 1 : (c >= '0' && c <= '9') ? 2 : c == '.' ? 3 : 7; break;
            case 1: st = (c >= '0' && c <= '9') ? 2 : c == '.' ? 3 : 7; break;
            case 2: st = (c >= '0' && c <= '9') ? 2 : c == '.' ? 4 : (c == 'e' || c == 'E') ? 5 : 7; break;
            case 3: st = (c >= '0' && c <= '9') ? 4 : 7; break;
            case 4: st = (c >= '0' && c <= '9') ? 4 : (c == 'e' || c == 'E') ? 5 : 7; break;
            case 5: st = (c >= '0' && c <= '9') ? 6 : (c == '+' || c == '-') ? 6 : 7; break;
            case 6: st = (c >= '0' && c <= '9') ? 6 : 7; break;
            } }
        counts[st]++;
    }
    return counts[2] * 7 + counts[4] * 5 + counts[6] * 3 + counts[7];
}
double float_kernel(int n) {
    double s = 0;
    for (int r = 0; r < n; r++) { double x = r * 0.001;
        for (int i = 1; i < 1000; i++) { x = x * 0.999 + 1.0 / i; s += x * x - x / (i + 1.5); } }
    return s;
}
