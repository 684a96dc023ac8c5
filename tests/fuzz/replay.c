/* Runs every file of a fuzz corpus through the fuzz target once: a crash or a broken property
 * found by fuzzing, once its input is saved in tests/fuzz/corpus, fails the normal test run. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smp/fsio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv) {
    int files = 0;
    for (int a = 1; a < argc; ++a) {
        DIR *dir = opendir(argv[a]);
        if (!dir) {
            fprintf(stderr, "replay: cannot open %s\n", argv[a]);
            return 1;
        }
        for (struct dirent *e; (e = readdir(dir));) {
            if (e->d_name[0] == '.') continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[a], e->d_name);
            char *data;
            size_t size;
            smp_error err = {0};
            if (smp_read_file(path, 0, &data, &size, &err) != SMP_OK) {
                fprintf(stderr, "replay: %s\n", err.message);
                closedir(dir);
                return 1;
            }
            LLVMFuzzerTestOneInput((const uint8_t *)data, size);
            free(data);
            ++files;
        }
        closedir(dir);
    }
    printf("replay: %d inputs ran clean\n", files);
    return files > 0 ? 0 : 1;
}
