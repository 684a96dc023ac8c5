/*
 * smp/rng.h — counter-based random numbers: every draw is a pure function of (seed, stream,
 * index).
 *
 * Nothing in the engine keeps a random-number state that advances: a draw is a hash of a key
 * (derived once from the seed and a stream number) and a 32-bit counter (usually the dot or
 * candidate index). So results do not depend on which thread computes which index or in which
 * order, and a vector path can compute 4, 8 or 16 draws side by side with the same integer
 * operations and get the same bits.
 *
 *   uint32_t key = smp_rng_key(seed, SMP_STREAM_X);   // once per stream
 *   uint32_t h = smp_rng_hash(key, i);                 // one 32-bit draw for index i
 *   float u = smp_rng_unit16(h & 0xffff);              // (0, 1), centre of a 16-bit bin
 *
 * The hash is a 3-round xorshift-multiply bijection on 32 bits (the "triple32" constants of
 * Wellons' hash-prospector, bias ~0.02), applied to counter + key. Different keys give
 * independent-looking streams for the same counter.
 *
 * Does NOT: produce cryptographic randomness, or draw from distributions other than uniform
 * and binomial (the scatter builds what it needs from these, in integer and exactly-rounded
 * float steps).
 */
#ifndef SMP_RNG_H
#define SMP_RNG_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A 32-bit key for one stream of draws: a SplitMix64 finaliser over seed and stream. */
uint32_t smp_rng_key(uint64_t seed, uint64_t stream);

/* The draw for one counter value. 9 integer operations; vector paths replicate them. */
static inline uint32_t smp_rng_hash(uint32_t key, uint32_t counter) {
    uint32_t x = counter + key;
    x ^= x >> 17;
    x *= 0xed5ad4bbu;
    x ^= x >> 11;
    x *= 0xac4c1b51u;
    x ^= x >> 15;
    x *= 0x31848babu;
    x ^= x >> 14;
    return x;
}

/* A 16-bit integer as the centre of its bin in (0, 1): exact in float, never 0 or 1. */
static inline float smp_rng_unit16(uint32_t bits16) {
    return (float)bits16 * (1.0f / 65536.0f) + (1.0f / 131072.0f);
}

/* An approximately standard normal draw from the four bytes of h: the sum of four uniforms
 * (Irwin-Hall), centred and scaled to unit variance. Bounded at ±3.46, which suits physical
 * quantities (a needle never goes 5 sd deep). Every step is exact or correctly rounded in
 * float, so vector paths match it bit for bit. */
static inline float smp_rng_normal4(uint32_t h) {
    uint32_t s = (h & 0xffu) + ((h >> 8) & 0xffu) + ((h >> 16) & 0xffu) + (h >> 24);
    float sum = (float)s * (1.0f / 256.0f) + (4.0f / 512.0f);
    return (sum - 2.0f) * 1.7320508f;
}

/* Draw j of the double-precision stream for (key, counter): 53 uniform bits from a 64-bit
 * finaliser of all three, the centre of their bin in (0, 1). For the rare draws that need
 * more than 16 bits (the binomial below, counts). */
double smp_rng_unit53(uint32_t key, uint32_t counter, uint32_t j);

/* A Binomial(n, p) draw for (key, counter): exact in distribution (inversion below a mean of
 * 10, Hörmann's BTRD above), built from 53-bit uniforms, +, −, ×, ÷, sqrt and a logarithm of
 * its own, so every machine gives the same value. p outside (0, 1) gives 0 or n. O(1)
 * expected. */
uint32_t smp_rng_binomial(uint32_t key, uint32_t counter, uint32_t n, double p);

#ifdef __cplusplus
}
#endif
#endif
