// Measures what SourceFile::Parse costs on top of libpg_query's own parse.
//
// usage: sql_parse_bench FILE [ITERATIONS]
// Prints one row per variant (best and median wall time over the iterations) and the
// overhead of SourceFile::Parse relative to a bare pg_query_parse of the same text.

#include <pg_query.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "core/file.h"
#include "sql/canonical.h"
#include "sql/source_file.h"

namespace {

struct Timing {
  double best_ms = 0;
  double median_ms = 0;
};

Timing Measure(int iterations, const std::function<void()>& fn) {
  fn();  // warm-up
  std::vector<double> ms;
  for (int i = 0; i < iterations; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    fn();
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return {ms.front(), ms[ms.size() / 2]};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: sql_parse_bench FILE [ITERATIONS]\n");
    return 129;
  }
  int iterations = argc > 2 ? std::max(1, std::atoi(argv[2])) : 20;
  auto text = pgstate::core::ReadFile(argv[1]);
  if (!text.ok()) {
    std::fprintf(stderr, "error: %s\n", text.error().ToString().c_str());
    return 2;
  }
  const std::string& sql = *text;

  size_t statements = 0;
  Timing bare = Measure(iterations, [&] {
    PgQueryParseResult r = pg_query_parse(sql.c_str());
    pg_query_free_parse_result(r);
  });
  Timing bare_pb = Measure(iterations, [&] {
    PgQueryProtobufParseResult r = pg_query_parse_protobuf(sql.c_str());
    pg_query_free_protobuf_parse_result(r);
  });
  Timing ours = Measure(iterations, [&] {
    pgstate::sql::SourceFile f = pgstate::sql::SourceFile::Parse(argv[1], sql);
    statements = f.statements().size();
  });
  pgstate::sql::SourceFile parsed = pgstate::sql::SourceFile::Parse(argv[1], sql);
  Timing hash = Measure(iterations, [&] {
    uint64_t h = 0;
    for (const auto& s : parsed.statements()) h ^= pgstate::sql::CanonicalHash(s.node);
    if (h == 42) std::puts("");
  });
  Timing deparse = Measure(std::max(1, iterations / 4), [&] {
    size_t n = 0;
    for (const auto& s : parsed.statements()) n += pgstate::sql::CanonicalText(s).size();
    if (n == 42) std::puts("");
  });

  std::printf("file: %s (%zu bytes, %zu statements, %d iterations)\n", argv[1], sql.size(),
              statements, iterations);
  std::printf("%-44s %10s %10s %8s\n", "variant", "best ms", "median ms", "ratio");
  auto row = [&](const char* name, const Timing& t) {
    std::printf("%-44s %10.2f %10.2f %8.2f\n", name, t.best_ms, t.median_ms,
                t.median_ms / bare.median_ms);
  };
  row("pg_query_parse (baseline, JSON tree)", bare);
  row("pg_query_parse_protobuf", bare_pb);
  row("SourceFile::Parse (split, keys, hashes)", ours);
  row("  of which: canonical hash of all statements", hash);
  row("CanonicalText of all statements (deparse)", deparse);
  double overhead = (ours.median_ms / bare.median_ms - 1.0) * 100.0;
  std::printf("overhead of SourceFile::Parse over pg_query_parse: %+.1f%% (target < 50%%)\n",
              overhead);
  return 0;
}
