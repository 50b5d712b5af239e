#include "db/roles.h"

namespace pgstate::db {

core::Status CreateMissingRoles(Connection& connection, const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    std::string sql = "DO $pgstate$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = " +
                      QuoteLiteral(name) + ") THEN CREATE ROLE " + QuoteIdentifier(name) +
                      " NOLOGIN; END IF; END $pgstate$";
    SqlStatus status = connection.Execute(sql);
    if (!status.ok()) {
      return core::Error(
          core::kExitEnvironment,
          "cannot create role '" + name + "' on the scratch server: " + status.error().message);
    }
  }
  return {};
}

}  // namespace pgstate::db
