#include "smp/rng.h"

static uint64_t splitmix64(uint64_t z) {
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint32_t smp_rng_key(uint64_t seed, uint64_t stream) {
    /* Two chained finalisers: seeds and streams that differ in one bit give unrelated keys. */
    uint64_t z = splitmix64(splitmix64(seed) ^ stream);
    return (uint32_t)(z ^ (z >> 32));
}
