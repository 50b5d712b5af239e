#include "git/hook_input.h"

#include <cctype>

namespace pgstate::git {
namespace {

bool IsOid(std::string_view s, size_t hash_hex_len) {
  if (s.size() != hash_hex_len) return false;
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Splits on single spaces; refs never contain spaces (git check-ref-format).
std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= line.size()) {
    size_t sp = line.find(' ', start);
    if (sp == std::string_view::npos) sp = line.size();
    out.push_back(line.substr(start, sp - start));
    start = sp + 1;
  }
  return out;
}

}  // namespace

std::string ZeroOid(size_t hash_hex_len) { return std::string(hash_hex_len, '0'); }

core::Result<std::vector<PushUpdate>> ParsePrePushLines(std::string_view text,
                                                        size_t hash_hex_len) {
  const std::string zero = ZeroOid(hash_hex_len);
  std::vector<PushUpdate> updates;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    std::vector<std::string_view> f = Fields(line);
    if (f.size() != 4 || f[0].empty() || f[2].empty() || !IsOid(f[1], hash_hex_len) ||
        !IsOid(f[3], hash_hex_len)) {
      return core::Error(core::kExitBadInput, "malformed pre-push input line " +
                                                  std::to_string(line_no) + ": '" +
                                                  std::string(line) + "'");
    }
    PushUpdate u;
    u.local_ref = std::string(f[0]);
    u.local_oid = std::string(f[1]);
    u.remote_ref = std::string(f[2]);
    u.remote_oid = std::string(f[3]);
    u.is_deletion = u.local_oid == zero;
    u.is_new_branch = u.remote_oid == zero;
    updates.push_back(std::move(u));
  }
  return updates;
}

}  // namespace pgstate::git
