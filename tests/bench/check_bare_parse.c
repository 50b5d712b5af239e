/* The baseline of tests/bench/check_bench.sh: read a file and run libpg_query's
 * pg_query_parse on it once, as its own process, so it compares with one pgstate-check run.
 *   usage: check_bare_parse FILE
 * Exits 0 when the file parses, 1 when it does not, 2 when it cannot be read. */
#include <pg_query.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: check_bare_parse FILE\n");
    return 2;
  }
  FILE* f = fopen(argv[1], "rb");
  if (f == NULL) {
    perror(argv[1]);
    return 2;
  }
  size_t cap = 1 << 16, len = 0;
  char* text = malloc(cap);
  size_t n;
  while (text != NULL && (n = fread(text + len, 1, cap - len - 1, f)) > 0) {
    len += n;
    if (cap - len < 2) text = realloc(text, cap *= 2);
  }
  fclose(f);
  if (text == NULL) return 2;
  text[len] = '\0';
  PgQueryParseResult result = pg_query_parse(text);
  int failed = result.error != NULL;
  pg_query_free_parse_result(result);
  free(text);
  return failed;
}
