// In-process half of tests/bench/check_bench.sh: what pgstate check does with one file, against a
// bare pg_query_parse of the same text, in the same run.
//
// usage: check_bench FILE [ITERATIONS]
// Variants are interleaved in each iteration; times are process CPU time (SourceFile::Parse
// may use more than one thread), median and best over the iterations.

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
  for (Variant& v : variants) std::sort(v.ms.begin(), v.ms.end());
  double base = variants[0].ms[variants[0].ms.size() / 2];
  std::printf("in-process, %d iterations, process CPU time; %zu findings\n", iterations, findings);
  std::printf("%-36s %10s %10s %7s\n", "variant", "median ms", "best ms", "ratio");
  for (const Variant& v : variants) {
    double median = v.ms[v.ms.size() / 2];
    std::printf("%-36s %10.2f %10.2f %7.2f\n", v.name, median, v.ms.front(), median / base);
  }
  double check = variants.back().ms[variants.back().ms.size() / 2];
  double parse = variants[1].ms[variants[1].ms.size() / 2];
  std::printf(
      "overhead of check on top of the parse: %+.0f%% (target < 50%%); of which model and "
      "rules on top of SourceFile::Parse: %+.0f%% of the baseline\n",
      (check / base - 1) * 100, (check - parse) / base * 100);
  return 0;
}
