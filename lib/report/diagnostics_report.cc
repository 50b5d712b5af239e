#include "report/diagnostics_report.h"

#include <unistd.h>

#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>

#include "core/build_info.h"

namespace pgstate::report {

using core::Diagnostic;
using core::Severity;
using json = nlohmann::ordered_json;

std::optional<Format> ParseFormat(std::string_view name) {
  if (name == "human") return Format::kHuman;
  if (name == "json") return Format::kJson;
  if (name == "github") return Format::kGithub;
  if (name == "sarif") return Format::kSarif;
  return std::nullopt;
}

bool ShouldColor(int fd) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  return ::isatty(fd) == 1;
}

namespace {

const char* Color(Severity s) {
  switch (s) {
    case Severity::kError:
      return "\033[1;31m";
    case Severity::kWarning:
      return "\033[1;35m";
    case Severity::kNote:
      return "\033[1;36m";
  }
  return "";
}

// The caret line under `line`: keeps tabs so the caret lines up, one space per other character.
std::string CaretLine(const std::string& line, int column) {
  std::string out;
  int col = 1;
  for (size_t i = 0; i < line.size() && col < column;) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    out += c == '\t' ? '\t' : ' ';
    i += len;
    ++col;
  }
  return out + "^";
}

std::string RenderHuman(const std::vector<Diagnostic>& ds, const RenderOptions& o) {
  std::string out;
  const char* bold = o.color ? "\033[1m" : "";
  const char* reset = o.color ? "\033[0m" : "";
  for (const Diagnostic& d : ds) {
    std::string where = d.location.ToString();
    if (!where.empty()) out += std::string(bold) + where + ":" + reset + " ";
    out += std::string(o.color ? Color(d.severity) : "") + core::SeverityName(d.severity) + ":" +
           reset + " " + d.message;
    if (!d.rule.empty()) out += " [" + d.rule + "]";
    out += "\n";
    if (!d.source_line.empty()) {
      out += "    " + d.source_line + "\n";
      if (d.location.column > 0) {
        out += "    " + std::string(o.color ? "\033[1;32m" : "") +
               CaretLine(d.source_line, d.location.column) + reset + "\n";
      }
    }
    for (const core::SourceLocation& r : d.related) {
      out += std::string(bold) + r.ToString() + ":" + reset + " note: also here\n";
    }
    if (!d.hint.empty()) out += "  hint: " + d.hint + "\n";
  }
  if (o.summary && !ds.empty()) out += SummaryLine(ds) + "\n";
  return out;
}

json DiagnosticJson(const Diagnostic& d) {
  json j;
  j["file"] = d.location.file;
  j["line"] = d.location.line;
  j["column"] = d.location.column;
  j["severity"] = core::SeverityName(d.severity);
  j["rule"] = d.rule;
  j["message"] = d.message;
  if (!d.hint.empty()) j["hint"] = d.hint;
  if (!d.related.empty()) {
    json rel = json::array();
    for (const auto& r : d.related)
      rel.push_back({{"file", r.file}, {"line", r.line}, {"column", r.column}});
    j["related"] = rel;
  }
  return j;
}

std::string RenderJson(const std::vector<Diagnostic>& ds) {
  json out;
  out["version"] = 1;
  json arr = json::array();
  int errors = 0, warnings = 0;
  for (const Diagnostic& d : ds) {
    arr.push_back(DiagnosticJson(d));
    errors += d.severity == Severity::kError;
    warnings += d.severity == Severity::kWarning;
  }
  out["diagnostics"] = arr;
  out["summary"] = {{"errors", errors}, {"warnings", warnings}};
  return out.dump(2) + "\n";
}

std::string RenderGithub(const std::vector<Diagnostic>& ds) {
  std::string out;
  for (const Diagnostic& d : ds) {
    const char* level = d.severity == Severity::kError     ? "error"
                        : d.severity == Severity::kWarning ? "warning"
                                                           : "notice";
    out += std::string("::") + level;
    std::string props;
    if (!d.location.file.empty()) props += "file=" + GithubEscape(d.location.file, true);
    if (d.location.line > 0) props += ",line=" + std::to_string(d.location.line);
    if (d.location.column > 0) props += ",col=" + std::to_string(d.location.column);
    if (!d.rule.empty())
      props += std::string(props.empty() ? "" : ",") + "title=" + GithubEscape(d.rule, true);
    if (!props.empty()) out += " " + props;
    std::string msg = d.message;
    if (!d.hint.empty()) msg += "\nhint: " + d.hint;
    out += "::" + GithubEscape(msg, false) + "\n";
  }
  return out;
}

std::string RenderSarif(const std::vector<Diagnostic>& ds, const RenderOptions& o) {
  json rules = json::array();
  std::map<std::string, int> rule_index;
  json results = json::array();
  for (const Diagnostic& d : ds) {
    std::string rule = d.rule.empty() ? "pgstate" : d.rule;
    auto it = rule_index.find(rule);
    if (it == rule_index.end()) {
      it = rule_index.emplace(rule, static_cast<int>(rules.size())).first;
      rules.push_back({{"id", rule}, {"name", rule}});
    }
    json result;
    result["ruleId"] = rule;
    result["ruleIndex"] = it->second;
    result["level"] = d.severity == Severity::kError     ? "error"
                      : d.severity == Severity::kWarning ? "warning"
                                                         : "note";
    std::string text = d.message;
    if (!d.hint.empty()) text += " (hint: " + d.hint + ")";
    result["message"] = {{"text", text}};
    if (!d.location.file.empty()) {
      json physical;
      physical["artifactLocation"] = {{"uri", d.location.file}};
      if (d.location.line > 0) {
        json region;
        region["startLine"] = d.location.line;
        if (d.location.column > 0) region["startColumn"] = d.location.column;
        physical["region"] = region;
      }
      result["locations"] = json::array({{{"physicalLocation", physical}}});
    }
    results.push_back(result);
  }
  json driver;
  driver["name"] = "pgstate";
  driver["version"] = core::kVersion;
  driver["informationUri"] = "https://github.com/pgstate/pgstate";
  driver["rules"] = rules;
  json run;
  run["tool"] = {{"driver", driver}};
  run["columnKind"] = "unicodeCodePoints";
  run["results"] = results;
  json out;
  out["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
  out["version"] = "2.1.0";
  out["runs"] = json::array({run});
  (void)o;
  return out.dump(2) + "\n";
}

}  // namespace

std::string GithubEscape(std::string_view s, bool property) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '%':
        out += "%25";
        break;
      case '\r':
        out += "%0D";
        break;
      case '\n':
        out += "%0A";
        break;
      case ':':
        out += property ? "%3A" : ":";
        break;
      case ',':
        out += property ? "%2C" : ",";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string SummaryLine(const std::vector<Diagnostic>& ds) {
  int errors = 0, warnings = 0;
  for (const Diagnostic& d : ds) {
    errors += d.severity == Severity::kError;
    warnings += d.severity == Severity::kWarning;
  }
  if (errors == 0 && warnings == 0) return "no problems found";
  std::string s;
  if (errors) s += std::to_string(errors) + (errors == 1 ? " error" : " errors");
  if (warnings) {
    if (!s.empty()) s += ", ";
    s += std::to_string(warnings) + (warnings == 1 ? " warning" : " warnings");
  }
  return s;
}

std::string RenderDiagnostics(const std::vector<Diagnostic>& diagnostics, Format format,
                              const RenderOptions& options) {
  switch (format) {
    case Format::kHuman:
      return RenderHuman(diagnostics, options);
    case Format::kJson:
      return RenderJson(diagnostics);
    case Format::kGithub:
      return RenderGithub(diagnostics);
    case Format::kSarif:
      return RenderSarif(diagnostics, options);
  }
  return {};
}

}  // namespace pgstate::report
