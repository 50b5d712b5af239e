// In-process half of tests/bench/check_bench.sh: what pgstate check does with one file, against a
// bare pg_query_parse of the same text, in the same run.
//
// usage: check_bench FILE [ITERATIONS]
// Variants are interleaved in each iteration; times are process CPU time (SourceFile::Parse
// may use more than one thread), median and best over the iterations, and the median of each
// iteration's ratio to that iteration's baseline ("paired").

#include <pg_query.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <string>
#include <vector>

#include "core/file.h"
#include "lint/lint.h"
#include "schema/model.h"
#include "sql/source_file.h"

namespace {

double CpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

struct Variant {
  const char* name;
  std::function<void()> run;
  std::vector<double> ms;
};

}  // namespace

int main(int argc, char** argv) {
  using namespace pgstate;
  if (argc < 2) {
    std::fprintf(stderr, "usage: check_bench FILE [ITERATIONS]\n");
    return 129;
  }
  int iterations = argc > 2 ? std::max(1, std::atoi(argv[2])) : 21;
  auto text = core::ReadFile(argv[1]);
  if (!text.ok()) {
    std::fprintf(stderr, "error: %s\n", text.error().ToString().c_str());
    return 2;
  }
  const std::string path = "db/schema/structure.sql";
  size_t findings = 0;
  std::vector<Variant> variants = {
      {"pg_query_parse (baseline)",
       [&] {
         PgQueryParseResult r = pg_query_parse(text->c_str());
         pg_query_free_parse_result(r);
       },
       {}},
      {"SourceFile::Parse",
       [&] {
         sql::SourceFile f = sql::SourceFile::Parse(path, *text);
         if (f.statements().empty()) std::puts("");
       },
       {}},
      {"schema::Model::Parse (+ model)",
       [&] {
         schema::Model m = schema::Model::Parse({{path, *text}});
         if (m.LoadOrder().empty()) std::puts("");
       },
       {}},
      {"lint::Lint (everything check does)",
       [&] {
         lint::LintInput input;
         input.schema_files = {{path, *text}};
         findings = lint::Lint(std::move(input), {}).size();
       },
       {}},
  };
  for (Variant& v : variants) v.run();  // warm-up
  for (int i = 0; i < iterations; ++i) {
    for (Variant& v : variants) {
      double t0 = CpuMs();
      v.run();
      v.ms.push_back(CpuMs() - t0);
    }
  }
  // Paired: each variant against the baseline of the same iteration, so a slow spell of the
  // machine slows both sides of a ratio.
  auto median = [](std::vector<double> xs) {
    std::sort(xs.begin(), xs.end());
    return xs[xs.size() / 2];
  };
  std::vector<double> paired_check;
  for (size_t i = 0; i < variants[0].ms.size(); ++i) {
    paired_check.push_back(variants.back().ms[i] / variants[0].ms[i]);
  }
  double base = median(variants[0].ms);
  std::printf("in-process, %d iterations, process CPU time; %zu findings\n", iterations, findings);
  std::printf("%-36s %10s %10s %7s %7s\n", "variant", "median ms", "best ms", "ratio", "paired");
  for (const Variant& v : variants) {
    std::vector<double> paired;
    for (size_t i = 0; i < v.ms.size(); ++i) paired.push_back(v.ms[i] / variants[0].ms[i]);
    std::printf("%-36s %10.2f %10.2f %7.2f %7.2f\n", v.name, median(v.ms),
                *std::min_element(v.ms.begin(), v.ms.end()), median(v.ms) / base, median(paired));
  }
  double check = median(variants.back().ms);
  double parse = median(variants[1].ms);
  std::printf(
      "overhead of check on top of the parse: %+.0f%% (ratio of medians), %+.0f%% (median of "
      "paired ratios); target < 50%%. Model and rules on top of SourceFile::Parse: %+.0f%% of "
      "the baseline\n",
      (check / base - 1) * 100, (median(paired_check) - 1) * 100, (check - parse) / base * 100);
  return 0;
}
