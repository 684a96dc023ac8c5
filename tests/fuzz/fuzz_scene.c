/* Fuzz target for the scene parser (libFuzzer entry point).
 *
 * Input: bytes of a scene file; if the first byte is '@', the rest up to the first newline is a
 * --set override applied to the scene that follows. Properties checked on every input, beyond
 * "no crash, no leak, no undefined behaviour" (the sanitizers' job):
 *   - a rejected scene always comes with at least one message and a non-OK status;
 *   - an accepted scene prints, and the printed text loads back to the same text (round trip);
 *   - text the strict JSON check passes (smp/json_strict.h) is text cJSON parses: the check is
 *     never looser than the parser behind it.
 * scripts/fuzz.sh builds it with clang and runs it for a bounded time; test_fuzz_replay
 * runs the saved corpus through it in every normal test run. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "smp/json_strict.h"
#include "smp/scene.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *text = (const char *)data;
    char set[512];
    const char *sets[1];
    int set_count = 0;
    if (size > 0 && text[0] == '@') {
        const char *nl = memchr(text, '\n', size);
        size_t n = nl ? (size_t)(nl - text) - 1 : size - 1;
        if (n >= sizeof set) n = sizeof set - 1;
        memcpy(set, text + 1, n);
        set[n] = '\0';
        sets[0] = set;
        set_count = 1;
        size_t skip = nl ? (size_t)(nl - text) + 1 : size;
        text += skip;
        size -= skip;
    }
    smp_json_fault fault;
    if (smp_json_strict(text, size, &(smp_json_rules){.max_depth = 64}, &fault)) {
        cJSON *tree = cJSON_ParseWithLength(text, size);
        if (!tree) abort();
        cJSON_Delete(tree);
    }
    static smp_scene scene, again;
    static smp_scene_report rep;
    smp_scene_source src = {
        .path = "fuzz.json", .text = text, .text_size = size, .sets = sets, .set_count = set_count};
    smp_status st = smp_scene_load(&src, &scene, &rep);
    if (st != SMP_OK) {
        if (rep.count == 0 || rep.first.status == SMP_OK) abort();
        return 0;
    }
    char *json = smp_scene_to_json(&scene);
    if (!json) abort();
    smp_scene_source back = {.path = "fuzz-printed.json", .text = json, .text_size = strlen(json)};
    if (smp_scene_load(&back, &again, &rep) != SMP_OK) abort();
    char *json2 = smp_scene_to_json(&again);
    if (!json2 || strcmp(json, json2) != 0) abort();
    free(json);
    free(json2);
    return 0;
}
