// Measures what SourceFile::Parse costs on top of libpg_query's own parse.
//
// usage: sql_parse_bench FILE [ITERATIONS]
// Prints one row per variant (best and median wall time over the iterations) and the
// overhead of SourceFile::Parse relative to a bare pg_query_parse of the same text.

#include <pg_query.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
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

// CPU time of the process (parsing runs on a helper thread while the caller waits): the
// machines that run this are shared, and wall time would measure the neighbours.
double CpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

Timing Summarize(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v.front(), v[v.size() / 2]};
}

Timing Measure(int iterations, const std::function<void()>& fn) {
  fn();  // warm-up
  std::vector<double> ms;
  for (int i = 0; i < iterations; ++i) {
    double t0 = CpuMs();
    fn();
    ms.push_back(CpuMs() - t0);
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

  // Baseline and SourceFile::Parse alternate within each iteration so that both see the same
  // machine; the overhead is the median of the per-iteration ratios.
  size_t statements = 0;
  std::vector<double> bare_ms, ours_ms, ratios;
  auto bare = [&] {
    PgQueryParseResult r = pg_query_parse(sql.c_str());
    pg_query_free_parse_result(r);
  };
  auto ours = [&] {
    pgstate::sql::SourceFile f = pgstate::sql::SourceFile::Parse(argv[1], sql);
    statements = f.statements().size();
  };
  bare();
  ours();
  for (int i = 0; i < iterations; ++i) {
    double t0 = CpuMs();
    bare();
    double t1 = CpuMs();
    ours();
    double t2 = CpuMs();
    bare_ms.push_back(t1 - t0);
    ours_ms.push_back(t2 - t1);
    ratios.push_back((t2 - t1) / (t1 - t0));
  }
  Timing bare_t = Summarize(bare_ms);
  Timing ours_t = Summarize(ours_ms);
  Timing ratio = Summarize(ratios);

  Timing bare_pb = Measure(iterations, [&] {
    PgQueryProtobufParseResult r = pg_query_parse_protobuf(sql.c_str());
    pg_query_free_protobuf_parse_result(r);
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
  std::printf("%-46s %9s %10s %8s\n", "variant (process CPU time)", "best ms", "median ms",
              "ratio");
  auto row = [&](const char* name, const Timing& t) {
    std::printf("%-46s %9.2f %10.2f %8.2f\n", name, t.best_ms, t.median_ms,
                t.median_ms / bare_t.median_ms);
  };
  row("pg_query_parse (baseline)", bare_t);
  row("SourceFile::Parse (split, keys, hashes)", ours_t);
  row("pg_query_parse_protobuf (for comparison)", bare_pb);
  row("canonical hash of every statement (included)", hash);
  row("CanonicalText of every statement (deparse)", deparse);
  double overhead = (ratio.median_ms - 1.0) * 100.0;
  std::printf(
      "overhead of SourceFile::Parse over pg_query_parse: %+.1f%% (median of per-iteration "
      "ratios; best %+.1f%%; target < 50%%)\n",
      overhead, (ratio.best_ms - 1.0) * 100.0);
  return 0;
}
