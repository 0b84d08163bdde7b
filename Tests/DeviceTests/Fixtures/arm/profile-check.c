// A program with known instruction counts for Boards/profile-instructions.sh: the main thread runs fake_dwconv_loop
// (3 instructions per iteration, none a multiply), a second thread runs fake_gemm_loop (3 per iteration, one of
// them SDOT), each ITERATIONS times. The function names put them in the script's depthwise and linear+conv groups.
#include <pthread.h>

enum { ITERATIONS = 1000000 };

__attribute__((noinline)) void fake_dwconv_loop(long n) {
    __asm__ volatile("1: add x9, x9, #1\n subs %0, %0, #1\n b.ne 1b" : "+r"(n) : : "x9", "cc");
}

__attribute__((noinline)) void fake_gemm_loop(long n) {
    __asm__ volatile("1: sdot v0.4s, v1.16b, v2.16b\n subs %0, %0, #1\n b.ne 1b" : "+r"(n) : : "v0", "cc");
}

static void *worker(void *unused) {
    (void)unused;
    fake_gemm_loop(ITERATIONS);
    return 0;
}

int main(void) {
    pthread_t thread;
    if (pthread_create(&thread, 0, worker, 0) != 0) return 1;
    pthread_join(thread, 0);
    fake_dwconv_loop(ITERATIONS);
    return 0;
}
