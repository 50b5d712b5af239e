#pragma once
// A throwaway git repository for tests, driven through the `git` command line (setup only: the
// code under test reads it through libgit2).

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>

#include "core/file.h"
#include "core/temp_dir.h"

namespace pgstate::testing {

class TestRepo {
 public:
  TestRepo() {
    auto dir = core::ScopedTempDir::Create("pgstate-git-test-");
    EXPECT_TRUE(dir.ok());
    dir_.emplace(std::move(*dir));
    Git("init -q -b main .");
  }

  const std::string& path() const { return dir_->path(); }

  /// Runs `git <args>` in the repository and returns its stdout (trailing newline removed).
  /// A failing command fails the test.
  std::string Git(const std::string& args) {
    std::string cmd = "cd '" + path() + "' && GIT_CONFIG_NOSYSTEM=1 HOME='" + path() +
                      "' git -c user.name=Test -c user.email=test@example.com "
                      "-c commit.gpgsign=false -c core.autocrlf=false " +
                      args + " 2>&1";
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) {
      ADD_FAILURE() << "cannot run: " << cmd;
      return out;
    }
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    int rc = ::pclose(p);
    EXPECT_EQ(rc, 0) << cmd << "\n" << out;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }

  /// Writes a file (creating its directories) relative to the work tree.
  void Write(const std::string& rel, const std::string& content) {
    std::filesystem::path p = std::filesystem::path(path()) / rel;
    std::filesystem::create_directories(p.parent_path());
    EXPECT_TRUE(core::WriteFileAtomic(p.string(), content).ok()) << rel;
  }

  void Remove(const std::string& rel) {
    std::filesystem::remove(std::filesystem::path(path()) / rel);
  }

  /// Stages everything and commits; returns the new commit's sha.
  std::string CommitAll(const std::string& message) {
    Git("add -A");
    Git("commit -q --allow-empty -m '" + message + "'");
    return Git("rev-parse HEAD");
  }

 private:
  std::optional<core::ScopedTempDir> dir_;
};

}  // namespace pgstate::testing
