#include "report/diagnostics_report.h"

#include <unistd.h>

#include <algorithm>
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

// Bytes a UTF-8 character takes, judged by its first byte as sql::LineIndex does, so the caret
// lands on the column the diagnostic counted (invalid bytes count as one character each).
size_t CharLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xe0) == 0xc0) return 2;
  if ((lead & 0xf0) == 0xe0) return 3;
  if ((lead & 0xf8) == 0xf0) return 4;
  return 1;
}

// The code point of the `len`-byte character at `p` (0xFFFD when malformed).
char32_t DecodeChar(const unsigned char* p, size_t len) {
  static constexpr unsigned char kLeadMask[] = {0, 0x7f, 0x1f, 0x0f, 0x07};
  char32_t cp = p[0] & kLeadMask[len];
  for (size_t k = 1; k < len; ++k) {
    if ((p[k] & 0xc0) != 0x80) return 0xfffd;
    cp = (cp << 6) | (p[k] & 0x3f);
  }
  return cp;
}

// Terminal cells a code point occupies: 0 for combining marks and zero-width characters, 2 for
// East Asian wide and fullwidth characters (CJK, Hangul, emoji), 1 otherwise.
int DisplayWidth(char32_t c) {
  if ((c >= 0x0300 && c <= 0x036f) || (c >= 0x200b && c <= 0x200f) ||
      (c >= 0xfe00 && c <= 0xfe0f)) {
    return 0;
  }
  if ((c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0x303e) ||
      (c >= 0x3041 && c <= 0x33ff) || (c >= 0x3400 && c <= 0x4dbf) ||
      (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xa000 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) ||
      (c >= 0x1f900 && c <= 0x1f9ff) || (c >= 0x20000 && c <= 0x3fffd)) {
    return 2;
  }
  return 1;
}

// The caret line under `line`, pointing at character `column` (1-based): tabs are kept so the
// caret lines up whatever the tab width, every other character becomes as many spaces as the
// terminal cells it occupies.
std::string CaretLine(const std::string& line, int column) {
  std::string out;
  int col = 1;
  for (size_t i = 0; i < line.size() && col < column; ++col) {
    const auto* p = reinterpret_cast<const unsigned char*>(line.data()) + i;
    size_t len = std::min(CharLength(*p), line.size() - i);
    if (*p == '\t') {
      out += '\t';
    } else {
      out.append(static_cast<size_t>(DisplayWidth(DecodeChar(p, len))), ' ');
    }
    i += len;
  }
  return out + "^";
}

// The source line as shown: without a trailing carriage return from a CRLF file.
std::string ShownLine(const std::string& line) {
  if (!line.empty() && line.back() == '\r') return line.substr(0, line.size() - 1);
  return line;
}

// "billing (@payments-team), (root)"
std::string ModulesText(const std::vector<schema::ModuleTouch>& modules) {
  std::string out;
  for (const schema::ModuleTouch& m : modules) {
    out += (out.empty() ? "" : ", ") + m.name + (m.owner.empty() ? "" : " (" + m.owner + ")");
  }
  return out;
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
      std::string line = ShownLine(d.source_line);
      out += "    " + line + "\n";
      if (d.location.column > 0) {
        out += "    " + std::string(o.color ? "\033[1;32m" : "") +
               CaretLine(line, d.location.column) + reset + "\n";
      }
    }
    for (const core::SourceLocation& r : d.related) {
      out += std::string(bold) + r.ToString() + ":" + reset + " note: also here\n";
    }
    if (!d.hint.empty()) {
      // A hint of several lines keeps its later lines under the first.
      std::string hint = d.hint;
      for (size_t at = hint.find('\n'); at != std::string::npos; at = hint.find('\n', at + 9)) {
        hint.replace(at, 1, "\n        ");
      }
      out += "  hint: " + hint + "\n";
    }
  }
  if (!o.modules.empty()) out += "modules: " + ModulesText(o.modules) + "\n";
  if (o.summary && !ds.empty()) out += SummaryLine(ds) + "\n";
  return out;
}

// Pretty JSON with a final newline. Bytes that are not UTF-8 (a message quoting a Latin-1 file)
// become U+FFFD instead of making the serializer throw.
std::string Dump(const json& j) {
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
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

std::string RenderJson(const std::vector<Diagnostic>& ds, const RenderOptions& o) {
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
  json modules = json::array();
  for (const schema::ModuleTouch& m : o.modules) {
    modules.push_back(
        {{"name", m.name}, {"owner", m.owner.empty() ? json(nullptr) : json(m.owner)}});
  }
  out["modules"] = modules;
  return Dump(out);
}

std::string RenderGithub(const std::vector<Diagnostic>& ds, const RenderOptions& o) {
  std::string out;
  if (!o.modules.empty()) {
    out += "::notice title=modules::" + GithubEscape("modules: " + ModulesText(o.modules), false) +
           "\n";
  }
  for (const Diagnostic& d : ds) {
    const char* level = d.severity == Severity::kError     ? "error"
                        : d.severity == Severity::kWarning ? "warning"
                                                           : "notice";
    out += std::string("::") + level;
    std::vector<std::string> props;
    if (!d.location.file.empty()) props.push_back("file=" + GithubEscape(d.location.file, true));
    if (d.location.line > 0) props.push_back("line=" + std::to_string(d.location.line));
    if (d.location.line > 0 && d.location.column > 0) {
      props.push_back("col=" + std::to_string(d.location.column));
    }
    if (!d.rule.empty()) props.push_back("title=" + GithubEscape(d.rule, true));
    for (size_t i = 0; i < props.size(); ++i) out += (i == 0 ? " " : ",") + props[i];
    std::string msg = d.message;
    if (!d.hint.empty()) msg += "\nhint: " + d.hint;
    out += "::" + GithubEscape(msg, false) + "\n";
  }
  return out;
}

// A file path as a SARIF artifact URI (an RFC 3986 URI reference): relative paths stay relative
// (code-scanning resolves them against the repository root), absolute ones become file:// URIs,
// and every byte outside the unreserved set and '/' is percent-encoded ("my file.sql" ->
// "my%20file.sql"), so spaces, '#', '%' and non-ASCII names survive.
std::string ArtifactUri(const std::string& path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = !path.empty() && path[0] == '/' ? "file://" : "";
  for (unsigned char c : path) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    if (keep) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

// physicalLocation of `loc`; null when it names no file.
json PhysicalLocation(const core::SourceLocation& loc) {
  if (loc.file.empty()) return nullptr;
  json physical;
  physical["artifactLocation"] = {{"uri", ArtifactUri(loc.file)}};
  if (loc.line > 0) {
    json region;
    region["startLine"] = loc.line;
    if (loc.column > 0) region["startColumn"] = loc.column;
    physical["region"] = region;
  }
  return physical;
}

std::string RenderSarif(const std::vector<Diagnostic>& ds) {
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
    if (json physical = PhysicalLocation(d.location); !physical.is_null()) {
      result["locations"] = json::array({{{"physicalLocation", physical}}});
    }
    json related = json::array();
    for (const core::SourceLocation& r : d.related) {
      json physical = PhysicalLocation(r);
      if (physical.is_null()) continue;
      related.push_back({{"id", static_cast<int>(related.size())},
                         {"physicalLocation", physical},
                         {"message", {{"text", "also here"}}}});
    }
    if (!related.empty()) result["relatedLocations"] = related;
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
  out["$schema"] =
      "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
  out["version"] = "2.1.0";
  out["runs"] = json::array({run});
  return Dump(out);
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
      return RenderJson(diagnostics, options);
    case Format::kGithub:
      return RenderGithub(diagnostics, options);
    case Format::kSarif:
      return RenderSarif(diagnostics);
  }
  return {};
}

}  // namespace pgstate::report
