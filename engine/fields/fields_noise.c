/* The fields' seeded value noise and hash: what the hairlines' irregularity and the scars'
 * layouts draw from, identical on every machine. */
#include <math.h>

#include "fields_internal.h"

uint64_t fields_hash(uint64_t a, uint64_t b) {
    /* SplitMix64 finaliser over a mix of both words: cheap, well distributed, portable. */
    uint64_t z = a * 0x9E3779B97F4A7C15ull ^ (b + 0xD1B54A32D192ED03ull + (a << 6) + (a >> 2));
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static float lattice(uint64_t seed, uint32_t salt, int32_t i, int32_t j) {
    uint64_t key = ((uint64_t)(uint32_t)i << 32) | (uint32_t)j;
    uint64_t h = fields_hash(seed ^ ((uint64_t)salt << 56), key);
    return (float)(h >> 40) * (2.0f / 16777216.0f) - 1.0f;
}

float fields_smoothstep01(float x) {
    if (x <= 0) return 0;
    if (x >= 1) return 1;
    return x * x * (3 - 2 * x);
}

float fields_noise(uint64_t seed, uint32_t salt, float x, float y) {
    float fx = floorf(x), fy = floorf(y);
    int32_t i = (int32_t)fx, j = (int32_t)fy;
    float u = fields_smoothstep01(x - fx), v = fields_smoothstep01(y - fy);
    float a = lattice(seed, salt, i, j), b = lattice(seed, salt, i + 1, j);
    float c = lattice(seed, salt, i, j + 1), d = lattice(seed, salt, i + 1, j + 1);
    float ab = a + (b - a) * u, cd = c + (d - c) * u;
    return ab + (cd - ab) * v;
}
