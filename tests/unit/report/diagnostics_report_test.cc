#include "report/diagnostics_report.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/build_info.h"
#include "core/file.h"
#include "core/temp_dir.h"

namespace pgstate::report {
namespace {

using core::Diagnostic;
using core::Severity;
using core::SourceLocation;

std::string TestDataDir() {
  const char* dir = std::getenv("PGSTATE_TEST_DATA");
  return dir && *dir ? dir : std::string(core::kSourceDir) + "/tests/data";
}

// Compares `actual` with tests/data/report/<name>; with UPDATE_GOLDEN=1 rewrites the file.
void ExpectGolden(const std::string& name, const std::string& actual) {
  std::string path = TestDataDir() + "/report/" + name;
  const char* update = std::getenv("UPDATE_GOLDEN");
  if (update && *update && std::string(update) != "0") {
    ASSERT_TRUE(core::WriteFileAtomic(path, actual).ok()) << path;
    std::printf("updated %s\n", path.c_str());
    return;
  }
  auto expected = core::ReadFile(path);
  ASSERT_TRUE(expected.ok()) << path << " is missing: run with UPDATE_GOLDEN=1 to create it";
  EXPECT_EQ(actual, *expected) << "differs from " << path
                               << " (UPDATE_GOLDEN=1 rewrites it; review the diff)";
}

// The driver's version changes with every release; goldens hold a placeholder instead.
std::string WithoutVersion(std::string sarif) {
  std::string needle = std::string("\"version\": \"") + core::kVersion + "\"";
  size_t driver = sarif.find("\"driver\"");
  size_t at = driver == std::string::npos ? driver : sarif.find(needle, driver);
  if (at != std::string::npos) sarif.replace(at, needle.size(), "\"version\": \"@VERSION@\"");
  return sarif;
}

Diagnostic Make(Severity severity, std::string rule, std::string message, SourceLocation where,
                std::string source_line = {}, std::string hint = {},
                std::vector<SourceLocation> related = {}) {
  Diagnostic d;
  d.severity = severity;
  d.rule = std::move(rule);
  d.message = std::move(message);
  d.location = std::move(where);
  d.source_line = std::move(source_line);
  d.hint = std::move(hint);
  d.related = std::move(related);
  return d;
}

// One of every shape a report meets: caret under ASCII, accented, wide (CJK) and tabbed text,
// a hint, related locations, a whole-file and a location-less finding, and characters every
// machine format must escape.
std::vector<Diagnostic> Sample() {
  return {
      Make(Severity::kError, "syntax", "syntax error at or near \"TABL\"",
           {"db/schema/users.sql", 12, 8}, "CREATE TABL users ("),
      Make(Severity::kError, "syntax", "syntax error at or near \"TABEL\"",
           {"db/schema/café.sql", 3, 27}, "CREATE TABLE café (prénom TABEL);"),
      Make(Severity::kWarning, "unqualified-object", "table '注文' is not schema-qualified",
           {"db/schema/orders.sql", 1, 20}, "CREATE TABLE 注文 (\t id int);",
           "write 'public.注文'"),
      Make(Severity::kError, "syntax", "syntax error at or near \"int\"",
           {"db/schema/orders.sql", 2, 9}, "\tid\t\tint,\r"),
      Make(Severity::kError, "duplicate-object", "table 'public.users' is defined twice",
           {"db/schema/users.sql", 40, 1}, "", "remove one of the definitions",
           {{"db/schema/users.sql", 12, 1}, {"db/schema/legacy users.sql", 3, 1}}),
      Make(Severity::kWarning, "drop-column",
           "dropping column 'users.email' loses data: 100% of rows, key=value, a:b",
           {"db/migrations/20240102030405_drop,email.sql", 4, 0}, "",
           "split into two deploys\nthen drop it"),
      Make(Severity::kNote, "migration-name", "file name has no version", {"db/migrations/x.sql"}),
      Make(Severity::kError, "", "cannot read '.pgstate'", {}),
  };
}

TEST(DiagnosticsReportTest, HumanMatchesGolden) {
  RenderOptions o;
  ExpectGolden("diagnostics.human.txt", RenderDiagnostics(Sample(), Format::kHuman, o));
}

TEST(DiagnosticsReportTest, HumanColorMatchesGolden) {
  RenderOptions o;
  o.color = true;
  ExpectGolden("diagnostics.human-color.txt", RenderDiagnostics(Sample(), Format::kHuman, o));
}

TEST(DiagnosticsReportTest, JsonMatchesGolden) {
  ExpectGolden("diagnostics.json", RenderDiagnostics(Sample(), Format::kJson, {}));
}

TEST(DiagnosticsReportTest, GithubMatchesGolden) {
  ExpectGolden("diagnostics.github.txt", RenderDiagnostics(Sample(), Format::kGithub, {}));
}

TEST(DiagnosticsReportTest, SarifMatchesGolden) {
  ExpectGolden("diagnostics.sarif.json",
               WithoutVersion(RenderDiagnostics(Sample(), Format::kSarif, {})));
}

// The caret sits under the character the column counts, whatever came before it on the line.
TEST(DiagnosticsReportTest, CaretUnderNonAsciiText) {
  RenderOptions o;
  o.summary = false;
  // "é" is two bytes, one character, one terminal cell: "TABEL" starts at character 27.
  auto accented = RenderDiagnostics({Make(Severity::kError, "syntax", "bad", {"a.sql", 1, 27},
                                          "CREATE TABLE café (prénom TABEL);")},
                                    Format::kHuman, o);
  EXPECT_EQ(accented,
            "a.sql:1:27: error: bad [syntax]\n"
            "    CREATE TABLE café (prénom TABEL);\n"
            "                              ^\n");
  // "注文" is two characters that take two cells each.
  auto wide = RenderDiagnostics(
      {Make(Severity::kError, "syntax", "bad", {"a.sql", 1, 17}, "CREATE TABLE 注文 TABEL")},
      Format::kHuman, o);
  EXPECT_EQ(wide,
            "a.sql:1:17: error: bad [syntax]\n"
            "    CREATE TABLE 注文 TABEL\n"
            "                      ^\n");
  // A combining accent is a character of its own but takes no cell.
  auto combining = RenderDiagnostics(
      {Make(Severity::kError, "syntax", "bad", {"a.sql", 1, 7}, "cafe\xcc\x81 X")}, Format::kHuman,
      o);
  EXPECT_EQ(combining,
            "a.sql:1:7: error: bad [syntax]\n"
            "    cafe\xcc\x81 X\n"
            "         ^\n");
  // Tabs are kept so the caret lines up at any tab width; a CRLF file's '\r' is not shown.
  auto tabs =
      RenderDiagnostics({Make(Severity::kError, "syntax", "bad", {"a.sql", 2, 5}, "\tid\tTABEL\r")},
                        Format::kHuman, o);
  EXPECT_EQ(tabs,
            "a.sql:2:5: error: bad [syntax]\n"
            "    \tid\tTABEL\n"
            "    \t  \t^\n");
  // Invalid UTF-8 counts one character per stray byte, as sql::LineIndex counts columns.
  auto invalid = RenderDiagnostics(
      {Make(Severity::kError, "syntax", "bad", {"a.sql", 1, 3}, "\xff\xfeX")}, Format::kHuman, o);
  EXPECT_EQ(invalid,
            "a.sql:1:3: error: bad [syntax]\n"
            "    \xff\xfeX\n"
            "      ^\n");
}

TEST(DiagnosticsReportTest, HumanSummaryAndEmptyOutput) {
  EXPECT_EQ(RenderDiagnostics({}, Format::kHuman, {}), "");
  auto one = RenderDiagnostics(
      {Make(Severity::kWarning, "drop-table", "dropping table 'users'", {"m.sql", 1, 1})},
      Format::kHuman, {});
  EXPECT_EQ(one, "m.sql:1:1: warning: dropping table 'users' [drop-table]\n1 warning\n");
  EXPECT_EQ(SummaryLine(Sample()), "5 errors, 2 warnings");
  EXPECT_EQ(SummaryLine({}), "no problems found");
  EXPECT_EQ(SummaryLine({Make(Severity::kNote, "n", "just a note", {})}), "no problems found");
}

TEST(DiagnosticsReportTest, ParseFormatKnowsTheFourNames) {
  EXPECT_EQ(ParseFormat("human"), Format::kHuman);
  EXPECT_EQ(ParseFormat("json"), Format::kJson);
  EXPECT_EQ(ParseFormat("github"), Format::kGithub);
  EXPECT_EQ(ParseFormat("sarif"), Format::kSarif);
  EXPECT_EQ(ParseFormat("SARIF"), std::nullopt);
  EXPECT_EQ(ParseFormat("markdown"), std::nullopt);
  EXPECT_EQ(ParseFormat(""), std::nullopt);
}

TEST(DiagnosticsReportTest, GithubEscaping) {
  EXPECT_EQ(GithubEscape("100% a:b, c\r\nd", false), "100%25 a:b, c%0D%0Ad");
  EXPECT_EQ(GithubEscape("100% a:b, c\r\nd", true), "100%25 a%3Ab%2C c%0D%0Ad");
  // Without a file the properties still start cleanly; a column without a line is dropped.
  auto no_file = RenderDiagnostics({Make(Severity::kError, "r", "m", {"", 3, 4}),
                                    Make(Severity::kNote, "", "n", {"f.sql", 0, 4})},
                                   Format::kGithub, {});
  EXPECT_EQ(no_file, "::error line=3,col=4,title=r::m\n::notice file=f.sql::n\n");
}

TEST(DiagnosticsReportTest, MachineFormatsSurviveInvalidUtf8) {
  std::vector<Diagnostic> ds = {
      Make(Severity::kError, "syntax", "bad byte \xff here", {"latin1-\xe9.sql", 1, 1})};
  std::string json_text;
  ASSERT_NO_THROW(json_text = RenderDiagnostics(ds, Format::kJson, {}));
  auto parsed = nlohmann::json::parse(json_text);
  EXPECT_EQ(parsed["diagnostics"][0]["message"], "bad byte \xef\xbf\xbd here");
  std::string sarif;
  ASSERT_NO_THROW(sarif = RenderDiagnostics(ds, Format::kSarif, {}));
  auto log = nlohmann::json::parse(sarif);
  EXPECT_EQ(
      log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
      "latin1-%E9.sql");
}

TEST(DiagnosticsReportTest, SarifArtifactUris) {
  std::vector<Diagnostic> ds = {
      Make(Severity::kError, "r", "m", {"db/schema/legacy users#1.sql", 1, 1}),
      Make(Severity::kError, "r", "m", {"/abs/db/café.sql", 1, 1}),
  };
  auto log = nlohmann::json::parse(RenderDiagnostics(ds, Format::kSarif, {}));
  auto uri = [&](int i) {
    return log["runs"][0]["results"][i]["locations"][0]["physicalLocation"]["artifactLocation"]
              ["uri"]
                  .get<std::string>();
  };
  EXPECT_EQ(uri(0), "db/schema/legacy%20users%231.sql");
  EXPECT_EQ(uri(1), "file:///abs/db/caf%C3%A9.sql");
  EXPECT_EQ(log["runs"][0]["tool"]["driver"]["version"], core::kVersion);
  EXPECT_EQ(log["runs"][0]["tool"]["driver"]["rules"].size(), 1u);
}

// Runs `command`, returning its exit status and (in `output`) what it printed.
int Run(const std::string& command, std::string& output) {
  output.clear();
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) output.append(buf, n);
  int status = ::pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Validates `sarif` against the shipped SARIF 2.1.0 schema with python3-jsonschema. Returns
// false (and sets `skip_reason`) when no python3 with jsonschema is found.
bool ValidateSarif(const std::string& sarif, std::string& problems, std::string& skip_reason) {
  auto dir = core::ScopedTempDir::Create("pgstate-sarif-");
  if (!dir.ok()) {
    problems = dir.error().ToString();
    return true;
  }
  std::string log = dir->path() + "/log.sarif";
  if (!core::WriteFileAtomic(log, sarif).ok()) {
    problems = "cannot write " + log;
    return true;
  }
  std::string data = TestDataDir() + "/report/";
  skip_reason = "no python3 with the jsonschema module (Debian package python3-jsonschema)";
  for (const char* python : {"python3", "/usr/bin/python3"}) {
    std::string output;
    int rc = Run(std::string(python) + " '" + data + "validate_sarif.py' '" + data +
                     "sarif-schema-2.1.0.json' '" + log + "'",
                 output);
    if (rc == 125 || rc == 127 || rc == -1) continue;  // no jsonschema, or no such python
    problems = rc == 0 ? "" : "exit " + std::to_string(rc) + ":\n" + output;
    return true;
  }
  return false;
}

TEST(DiagnosticsReportTest, SarifValidatesAgainstSchema) {
  std::vector<std::vector<Diagnostic>> cases = {Sample(), {}};
  for (const auto& ds : cases) {
    std::string problems, skip;
    if (!ValidateSarif(RenderDiagnostics(ds, Format::kSarif, {}), problems, skip)) {
      GTEST_SKIP() << skip;
    }
    EXPECT_EQ(problems, "") << "for " << ds.size() << " diagnostics";
  }
}

// The validator is not a rubber stamp: a log with a broken URI and a bad level fails.
TEST(DiagnosticsReportTest, SchemaValidationRejectsInvalidSarif) {
  auto log = nlohmann::json::parse(RenderDiagnostics(Sample(), Format::kSarif, {}));
  log["runs"][0]["results"][0]["level"] = "fatal";
  log["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
      "db/schema/legacy users.sql";
  std::string problems, skip;
  if (!ValidateSarif(log.dump(2), problems, skip)) GTEST_SKIP() << skip;
  EXPECT_NE(problems.find("runs/0/results/0/level"), std::string::npos) << problems;
  EXPECT_NE(problems.find("runs/0/results/1/locations/0/physicalLocation/artifactLocation/uri"),
            std::string::npos)
      << problems;
}

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    const char* old = std::getenv(name);
    had_ = old != nullptr;
    if (had_) old_ = old;
    if (value) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (had_) {
      ::setenv(name_, old_.c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  bool had_ = false;
  std::string old_;
};

TEST(DiagnosticsReportTest, ShouldColorOnlyOnATerminalWithoutNoColor) {
  int master = ::posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0) {
    if (master >= 0) ::close(master);
    GTEST_SKIP() << "no pseudo-terminal available";
  }
  int tty = ::open(::ptsname(master), O_RDWR | O_NOCTTY);
  ASSERT_GE(tty, 0);
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  {
    ScopedEnv env("NO_COLOR", nullptr);
    EXPECT_TRUE(ShouldColor(tty));
    EXPECT_FALSE(ShouldColor(pipe_fds[1]));
  }
  {
    ScopedEnv env("NO_COLOR", "1");
    EXPECT_FALSE(ShouldColor(tty));
  }
  {
    ScopedEnv env("NO_COLOR", "");  // present but empty: no-color.org says colors stay on
    EXPECT_TRUE(ShouldColor(tty));
  }
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
  ::close(tty);
  ::close(master);
}

TEST(DiagnosticsReportTest, TheModulesOfTheChangeAreListedInEveryFormat) {
  RenderOptions o;
  o.modules = {{"billing", "@payments-team"}, {"(root)", ""}};
  std::vector<core::Diagnostic> none;
  EXPECT_EQ(RenderDiagnostics(none, Format::kHuman, o),
            "modules: billing (@payments-team), (root)\n");
  std::string json = RenderDiagnostics(none, Format::kJson, o);
  EXPECT_NE(json.find("\"modules\": ["), std::string::npos) << json;
  EXPECT_NE(json.find("\"owner\": \"@payments-team\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"owner\": null"), std::string::npos) << json;
  EXPECT_EQ(RenderDiagnostics(none, Format::kGithub, o),
            "::notice title=modules::modules: billing (@payments-team), (root)\n");
}

}  // namespace
}  // namespace pgstate::report
