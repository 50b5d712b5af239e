#pragma once
// What every thin main shares: CLI11 exit-code mapping, --version, and the last-resort guard
// that turns an escaped exception into "fatal: …".

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <climits>
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>

#include "core/build_info.h"
#include "core/exit_code.h"

namespace pgstate::tools {

/// The directory of the running binary ("" when /proc cannot say): where its siblings
/// (pgstate-merge, the other commands) are installed.
inline std::string SelfDir() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return {};
  std::string path(buf, static_cast<size_t>(n));
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

/// Adds --version ("pgstate-<cmd> <version>") to `app`.
inline void AddVersion(CLI::App& app) {
  app.set_version_flag("--version", std::string(app.get_name()) + " " + pgstate::core::kVersion);
}

/// CLI11's own exit codes are not ours: --help/--version exit 0, every usage error 129.
inline int ExitForParseError(const CLI::App& app, const CLI::ParseError& e) {
  if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
    app.exit(e);
    return core::kExitOk;
  }
  std::cerr << app.get_name() << ": " << e.what() << "\n"
            << "usage: see '" << app.get_name() << " --help'\n";
  return core::kExitUsage;
}

/// Runs `body` and maps an escaped exception (a bug) to "fatal: …" and `fatal_code`.
template <typename F>
int RunGuarded(const char* name, F&& body, int fatal_code = core::kExitFatal) {
  try {
    return body();
  } catch (const std::exception& e) {
    std::cerr << name << ": fatal: " << e.what() << "\n";
  } catch (...) {
    std::cerr << name << ": fatal: unknown exception\n";
  }
  return fatal_code;
}

/// Prints an Error the way every tool does: "<tool>: error: <file:line:col: >message".
template <typename E>
int ReportError(const char* name, const E& error) {
  std::cerr << name << ": error: " << error.ToString() << "\n";
  return error.code;
}

}  // namespace pgstate::tools
