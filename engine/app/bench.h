/* The benchmarks behind `smpsim bench`: each parses its own options (argv[0] is its name) and
 * returns the process exit code. */
#ifndef SMP_APP_BENCH_H
#define SMP_APP_BENCH_H

int bench_render(int argc, char **argv);
int bench_scatter(int argc, char **argv);
int bench_age(int argc, char **argv);

#endif
