// Hot CPU loops are compiled for AVX-512, AVX2 and baseline x86-64; the loader
// picks the best the machine has, so one binary runs everywhere. Sanitizer
// builds go without: their instrumented ifunc resolvers run before the
// sanitizer runtime is ready.
#pragma once

#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define LTP_CPU_KERNEL __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define LTP_CPU_KERNEL
#endif
