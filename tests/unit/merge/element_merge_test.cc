#include "merge/element_merge.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sql/source_file.h"

namespace pgstate::merge {
namespace {

std::optional<std::string> Reorder(const std::string& text, const std::vector<size_t>& order) {
  sql::SourceFile file = sql::SourceFile::Parse("t.sql", text);
  EXPECT_EQ(file.statements().size(), 1u);
  if (file.statements().size() != 1) return std::nullopt;
  return ReorderElements({&file.statements()[0], file.text()}, order, "t.sql");
}

TEST(ReorderElementsTest, ElementsMoveWithTheirCommentsAndTheLayoutStays) {
  std::string text =
      "-- the users\n"
      "CREATE TABLE users (\n"
      "    id bigint NOT NULL,\n"
      "    -- shown on the profile\n"
      "    name text,\n"
      "    email text NOT NULL, -- unique per tenant\n"
      "    CONSTRAINT users_pkey PRIMARY KEY (id)\n"
      ");\n";
  EXPECT_EQ(Reorder(text, {0, 2, 1, 3}),
            "-- the users\n"
            "CREATE TABLE users (\n"
            "    id bigint NOT NULL,\n"
            "    email text NOT NULL, -- unique per tenant\n"
            "    -- shown on the profile\n"
            "    name text,\n"
            "    CONSTRAINT users_pkey PRIMARY KEY (id)\n"
            ");\n");
  // The same order is the same text.
  EXPECT_EQ(Reorder(text, {0, 1, 2, 3}), text);
}

TEST(ReorderElementsTest, TheLastElementMovedUpGetsItsCommaAndLosesNone) {
  EXPECT_EQ(Reorder("CREATE TABLE t (a int, b int, c int);\n", {2, 0, 1}),
            "CREATE TABLE t (c int, a int, b int);\n");
  EXPECT_EQ(Reorder("CREATE TABLE t (\n    a int,\n    b int\n);\n", {1, 0}),
            "CREATE TABLE t (\n    b int,\n    a int\n);\n");
}

TEST(ReorderElementsTest, NotAPermutationIsRefused) {
  std::string text = "CREATE TABLE t (a int, b int);\n";
  EXPECT_EQ(Reorder(text, {0}), std::nullopt);
  EXPECT_EQ(Reorder(text, {0, 0}), std::nullopt);
  EXPECT_EQ(Reorder(text, {0, 2}), std::nullopt);
}

}  // namespace
}  // namespace pgstate::merge
