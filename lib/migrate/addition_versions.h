#pragma once
// migrate/addition_versions: which pending migration adds each column and enum label.
//
// PostgreSQL appends a column (ALTER TABLE … ADD COLUMN) and an enum label (ALTER TYPE … ADD
// VALUE without BEFORE/AFTER) at the end, and migrations run in version order: the order a
// database gets for what two branches added at one place is the order of the versions of the
// migrations that add them. The merge driver and `verify --merge-with` read it from here.

#include <map>
#include <string>
#include <vector>

namespace pgstate::migrate {

/// A migration as read from some version of a repository.
struct MigrationText {
  std::string path;  ///< repository-relative; the file name gives the version
  std::string text;
};

/// For every column and enum label that `migrations` add (ALTER TABLE … ADD COLUMN, CREATE
/// TABLE, ALTER TYPE … ADD VALUE, CREATE TYPE … AS ENUM), keyed as the source model keys them
/// ("column public.t.c", "label public.mood.sad"): the version of the first migration that adds
/// it. Files whose names are not migration names, and statements that do not parse, add nothing.
std::map<std::string, std::string> AdditionVersions(const std::vector<MigrationText>& migrations);

}  // namespace pgstate::migrate
