#include "migrate/migration_files.h"

#include <dirent.h>
#include <openssl/evp.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <tuple>

namespace pgstate::migrate {

namespace {

using core::Error;
using core::kExitBadInput;

constexpr size_t kVersionDigits = 14;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSlugChar(char c) { return (c >= 'a' && c <= 'z') || IsDigit(c) || c == '_'; }

int Number(std::string_view digits) {
  int n = 0;
  for (char c : digits) n = n * 10 + (c - '0');
  return n;
}

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeapYear(year)) return 29;
  return kDays[month - 1];
}

std::string_view BaseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The first line of `text` without its newline, a CR and trailing blanks.
std::string_view FirstLine(std::string_view text) {
  std::string_view line = text.substr(0, text.find('\n'));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
    line.remove_suffix(1);
  }
  return line;
}

}  // namespace

bool IsValidVersion(std::string_view version) {
  if (version.size() != kVersionDigits) return false;
  if (!std::all_of(version.begin(), version.end(), IsDigit)) return false;
  int year = Number(version.substr(0, 4));
  int month = Number(version.substr(4, 2));
  int day = Number(version.substr(6, 2));
  int hour = Number(version.substr(8, 2));
  int minute = Number(version.substr(10, 2));
  int second = Number(version.substr(12, 2));
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= DaysInMonth(year, month) &&
         hour <= 23 && minute <= 59 && second <= 59;
}

std::string VersionTimestamp(std::string_view v) {
  std::string s;
  s.reserve(19);
  s.append(v.substr(0, 4)).append("-").append(v.substr(4, 2)).append("-").append(v.substr(6, 2));
  s.append(" ").append(v.substr(8, 2)).append(":").append(v.substr(10, 2)).append(":");
  s.append(v.substr(12, 2));
  return s;
}

core::Result<MigrationName> ParseMigrationName(std::string_view file_name) {
  auto mismatch = [&]() {
    return Error(kExitBadInput, "migration name '" + std::string(file_name) +
                                    "' does not match <yyyymmddHHMMSS>_<slug>.sql");
  };
  if (!EndsWith(file_name, ".sql")) return mismatch();
  std::string_view stem = file_name.substr(0, file_name.size() - 4);
  if (stem.size() < kVersionDigits + 2 || stem[kVersionDigits] != '_') return mismatch();
  std::string_view version = stem.substr(0, kVersionDigits);
  std::string_view slug = stem.substr(kVersionDigits + 1);
  if (!std::all_of(version.begin(), version.end(), IsDigit)) return mismatch();
  if (!std::all_of(slug.begin(), slug.end(), IsSlugChar)) {
    return Error(kExitBadInput, "migration name '" + std::string(file_name) + "': slug '" +
                                    std::string(slug) + "' may only contain a-z, 0-9 and '_'");
  }
  if (!IsValidVersion(version)) {
    return Error(kExitBadInput,
                 "migration version '" + std::string(version) + "' is not a valid date and time");
  }
  return MigrationName{std::string(version), std::string(slug)};
}

MigrationListing ClassifyMigrationPaths(const std::vector<std::string>& paths) {
  MigrationListing listing;
  for (const std::string& path : paths) {
    std::string_view name = BaseName(path);
    if (!EndsWith(name, ".sql")) continue;
    auto parsed = ParseMigrationName(name);
    if (!parsed.ok()) {
      listing.invalid.push_back({path, parsed.error().message});
      continue;
    }
    listing.migrations.push_back({path, std::string(name), parsed->version, parsed->slug});
  }
  std::sort(listing.migrations.begin(), listing.migrations.end(),
            [](const MigrationFile& a, const MigrationFile& b) {
              return std::tie(a.version, a.name) < std::tie(b.version, b.name);
            });
  std::sort(
      listing.invalid.begin(), listing.invalid.end(),
      [](const InvalidMigrationName& a, const InvalidMigrationName& b) { return a.path < b.path; });
  size_t first = 0;
  for (size_t i = 1; i < listing.migrations.size(); ++i) {
    const MigrationFile& m = listing.migrations[i];
    if (listing.migrations[first].version != m.version) {
      first = i;
      continue;
    }
    listing.duplicates.push_back({m.path, listing.migrations[first].path, m.version});
  }
  return listing;
}

std::string DuplicateVersionMessage(const DuplicateVersion& duplicate) {
  return "migration version '" + duplicate.version + "' is also used by '" + duplicate.first_path +
         "'";
}

core::Result<MigrationListing> ListMigrations(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return MigrationListing{};
    return Error(kExitBadInput, "cannot read directory '" + dir + "': " + std::strerror(errno));
  }
  std::vector<std::string> paths;
  while (const dirent* entry = ::readdir(d)) {
    std::string name = entry->d_name;
    if (!EndsWith(name, ".sql")) continue;
    std::string path = dir + "/" + name;
    struct stat st;
    if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) paths.push_back(path);
  }
  ::closedir(d);
  return ClassifyMigrationPaths(paths);
}

MigrationContent SplitMigration(std::string_view text) {
  MigrationContent content;
  content.up = text;
  content.no_transaction = FirstLine(text) == kNoTransactionHeader;
  size_t line_start = 0;
  int line = 1;
  while (line_start <= text.size()) {
    size_t newline = text.find('\n', line_start);
    size_t line_end = newline == std::string_view::npos ? text.size() : newline;
    if (FirstLine(text.substr(line_start, line_end - line_start)) == kDownMarker) {
      content.up = text.substr(0, line_start);
      content.down =
          newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
      content.down_line = line;
      break;
    }
    if (newline == std::string_view::npos) break;
    line_start = newline + 1;
    ++line;
  }
  return content;
}

core::Result<std::optional<std::string>> ParseBaselineVersion(std::string_view text) {
  std::string_view line = FirstLine(text);
  std::string_view prefix = kBaselineHeaderPrefix;
  if (line.compare(0, prefix.size(), prefix) != 0) return std::optional<std::string>();
  std::string_view rest = line.substr(prefix.size());
  // "-- pgstate:baselineX" is some other comment, not a malformed header.
  if (!rest.empty() && rest[0] != ' ' && rest[0] != '\t') return std::optional<std::string>();
  auto malformed = [&]() {
    return Error(kExitBadInput, "malformed baseline header '" + std::string(line) +
                                    "' (expected '" + BaselineHeader("<yyyymmddHHMMSS>") + "')");
  };
  // Words separated by blanks; the first must be version=<14 digits>, others are reserved.
  size_t i = 0;
  auto next_word = [&]() {
    while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t')) ++i;
    size_t begin = i;
    while (i < rest.size() && rest[i] != ' ' && rest[i] != '\t') ++i;
    return rest.substr(begin, i - begin);
  };
  std::string_view word = next_word();
  std::string_view key = "version=";
  if (word.compare(0, key.size(), key) != 0) return malformed();
  std::string_view version = word.substr(key.size());
  if (!IsValidVersion(version)) return malformed();
  for (std::string_view w = next_word(); !w.empty(); w = next_word()) {
    if (w.find('=') == std::string_view::npos) return malformed();
  }
  return std::optional<std::string>(std::string(version));
}

std::string BaselineHeader(std::string_view version) {
  return std::string(kBaselineHeaderPrefix) + " version=" + std::string(version);
}

std::string Sha256Hex(std::string_view bytes) {
  // OpenSSL's libcrypto is already a dependency through libpq-dev (which libpqxx-dev needs),
  // and is a maintained, audited implementation; libgit2 exposes no public sha256.
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  return hex;
}

}  // namespace pgstate::migrate
