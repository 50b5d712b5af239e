#include "verify/column_order.h"

#include <algorithm>
#include <map>

#include "core/file.h"
#include "merge/element_merge.h"

namespace pgstate::verify {

namespace {

struct Rewrite {
  sql::Span chunk;
  std::string text;
};

core::Diagnostic Refusal(const schema::Model& model, const schema::Definition* where,
                         const std::string& table, const std::string& why) {
  core::Diagnostic d;
  d.severity = core::Severity::kWarning;
  d.rule = "column-order";
  d.message = "cannot rewrite the column order of " + table + ": " + why;
  if (where != nullptr) d.location = model.LocationOf(*where);
  return d;
}

}  // namespace

core::Result<ColumnOrderFix> FixColumnOrder(const std::string& root, const schema::Model& model,
                                            const std::vector<db::Difference>& differences) {
  ColumnOrderFix fix;
  std::map<uint32_t, std::vector<Rewrite>> by_file;
  for (const db::Difference& d : differences) {
    if (d.kind != db::Difference::Kind::kColumnOrder) continue;
    std::string qualified = d.key.substr(d.key.find(' ') + 1);  // "public.t"
    size_t dot = qualified.find('.');
    const schema::Object* object =
        model.Find(sql::ObjectKey{"table", qualified.substr(0, dot), qualified.substr(dot + 1)});
    if (object == nullptr || object->definitions.empty()) {
      fix.refused.push_back(Refusal(model, nullptr, qualified, "no CREATE TABLE defines it"));
      continue;
    }
    const schema::Definition& def = object->definitions.front();
    const sql::SourceFile& file = model.files()[def.statement.file];
    const sql::Statement& s = file.statements()[def.statement.index];
    std::string table_name = qualified.substr(dot + 1);
    // Which element holds each column the database orders differently.
    std::map<std::string, size_t> element_of;
    std::vector<size_t> slots;
    for (size_t i = 0; i < s.elements.size(); ++i) {
      const sql::ObjectKey& k = s.elements[i].key;
      if (k.kind != "column") continue;
      std::string column = k.name.substr(table_name.size() + 1);
      if (std::find(d.a_columns.begin(), d.a_columns.end(), column) == d.a_columns.end()) continue;
      element_of[column] = i;
      slots.push_back(i);
    }
    if (slots.size() != d.a_columns.size()) {
      fix.refused.push_back(Refusal(model, &def, qualified,
                                    "some of its columns are not in its CREATE TABLE (an ALTER "
                                    "TABLE adds them, or a parent table has them)"));
      continue;
    }
    std::vector<size_t> order(s.elements.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    for (size_t k = 0; k < slots.size(); ++k) order[slots[k]] = element_of.at(d.a_columns[k]);
    std::optional<std::string> text = merge::ReorderElements({&s, file.text()}, order, file.path());
    if (!text) {
      fix.refused.push_back(Refusal(model, &def, qualified,
                                    "its column list cannot be cut apart (a comment runs across "
                                    "a line end)"));
      continue;
    }
    by_file[def.statement.file].push_back({s.chunk, std::move(*text)});
  }
  for (auto& [index, rewrites] : by_file) {
    const sql::SourceFile& file = model.files()[index];
    std::sort(rewrites.begin(), rewrites.end(),
              [](const Rewrite& a, const Rewrite& b) { return a.chunk.begin < b.chunk.begin; });
    std::string out;
    size_t at = 0;
    for (const Rewrite& r : rewrites) {
      out.append(file.text(), at, r.chunk.begin - at);
      out += r.text;
      at = r.chunk.end;
    }
    out.append(file.text(), at, std::string::npos);
    if (auto s = core::WriteFileAtomic(root + "/" + file.path(), out); !s.ok()) {
      return s.take_error();
    }
    fix.rewritten.push_back(file.path());
  }
  std::sort(fix.rewritten.begin(), fix.rewritten.end());
  return fix;
}

}  // namespace pgstate::verify
