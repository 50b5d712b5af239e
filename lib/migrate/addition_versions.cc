#include "migrate/addition_versions.h"

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

}  // namespace pgstate::migrate
