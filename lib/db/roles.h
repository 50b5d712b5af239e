#pragma once
// db/: the roles a schema names. Roles belong to the cluster, not to a database, so a schema's
// GRANTs, owners and policies name roles that no schema file creates. A scratch server gets
// them (NOLOGIN, no privileges beyond what the schema grants) before a schema is loaded there.

#include <string>
#include <vector>

#include "core/error.h"
#include "db/connection.h"

namespace pgstate::db {

/// Creates every role of `names` the server does not have yet, NOLOGIN. Errors:
/// kExitEnvironment naming the role when PostgreSQL refuses.
core::Status CreateMissingRoles(Connection& connection, const std::vector<std::string>& names);

}  // namespace pgstate::db
