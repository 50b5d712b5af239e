#include "migrate/addition_versions.h"

#include "config/config.h"
#include "git/snapshot.h"
#include "migrate/migration_files.h"
#include "sql/source_file.h"

namespace pgstate::migrate {

std::map<std::string, std::string> AdditionVersions(const std::vector<MigrationText>& migrations) {
  std::map<std::string, std::string> versions;
  auto add = [&](const sql::ObjectKey& key, const std::string& version) {
    if (key.kind != "column" && key.kind != "label") return;
    auto [it, inserted] = versions.emplace(key.ToString(), version);
    if (!inserted && version < it->second) it->second = version;
  };
  sql::ParseOptions options;
  options.canonical_hashes = false;
  for (const MigrationText& m : migrations) {
    auto name = ParseMigrationName(m.path.substr(m.path.rfind('/') + 1));
    if (!name.ok()) continue;
    MigrationContent content = SplitMigration(m.text);
    sql::SourceFile file = sql::SourceFile::Parse(m.path, std::string(content.up), options);
    for (const sql::Statement& s : file.statements()) {
      if (s.cls != sql::StatementClass::kDefinition) continue;
      add(s.key, name->version);
      for (const sql::ObjectKey& k : s.extra_keys) add(k, name->version);
      if (!s.elements_are_rows) {
        for (const sql::Element& e : s.elements) add(e.key, name->version);
      }
    }
  }
  return versions;
}

core::Result<std::map<std::string, std::string>> AdditionVersionsAt(git_repository* repo,
                                                                    const std::string& rev) {
  git::Source source = git::Source::Revision(rev);
  auto text = git::ReadFile(repo, source, config::kConfigFileName);
  if (!text.ok()) return text.take_error();
  config::Config c;
  if (text->has_value()) {
    auto loaded = config::LoadConfigText(**text, rev + ":" + config::kConfigFileName);
    if (!loaded.ok()) return loaded.take_error();
    c = std::move(*loaded);
  }
  auto files = git::ReadFiles(
      repo, source, [&c](std::string_view p) { return c.IsMigrationPath(p); }, {c.migrations_dir});
  if (!files.ok()) return files.take_error();
  std::vector<MigrationText> migrations;
  for (auto& f : *files) migrations.push_back({std::move(f.path), std::move(f.content)});
  return AdditionVersions(migrations);
}

}  // namespace pgstate::migrate
