#include "schema/parse_tree.h"

#include <cstdint>

namespace pgstate::schema::tree {

std::string_view Str(const PgQuery__Node* node) {
  if (node == nullptr || node->node_case != PG_QUERY__NODE__NODE_STRING ||
      node->string == nullptr || node->string->sval == nullptr) {
    return {};
  }
  return node->string->sval;
}

std::string_view LastName(PgQuery__Node* const* names, size_t n) {
  return n == 0 ? std::string_view() : Str(names[n - 1]);
}

std::string_view SchemaOfName(PgQuery__Node* const* names, size_t n) {
  return n < 2 ? std::string_view() : Str(names[n - 2]);
}

QualifiedName NameOf(const PgQuery__RangeVar* rv) {
  QualifiedName q;
  if (rv == nullptr) return q;
  if (rv->schemaname != nullptr) q.schema = rv->schemaname;
  if (rv->relname != nullptr) q.name = rv->relname;
  return q;
}

namespace {

const char* At(const ProtobufCMessage* m, unsigned offset) {
  return reinterpret_cast<const char*>(m) + offset;
}

// Calls `visit` for `message` and every message below it, parents before children.
void WalkMessages(const ProtobufCMessage* message,
                  const std::function<void(const ProtobufCMessage*)>& visit) {
  if (message == nullptr) return;
  visit(message);
  const ProtobufCMessageDescriptor* d = message->descriptor;
  for (unsigned i = 0; i < d->n_fields; ++i) {
    const ProtobufCFieldDescriptor& f = d->fields[i];
    if (f.type != PROTOBUF_C_TYPE_MESSAGE) continue;
    if (f.label == PROTOBUF_C_LABEL_REPEATED) {
      size_t n = *reinterpret_cast<const size_t*>(At(message, f.quantifier_offset));
      auto items = *reinterpret_cast<ProtobufCMessage* const* const*>(At(message, f.offset));
      for (size_t k = 0; k < n; ++k) WalkMessages(items[k], visit);
      continue;
    }
    if ((f.flags & PROTOBUF_C_FIELD_FLAG_ONEOF) != 0 &&
        *reinterpret_cast<const uint32_t*>(At(message, f.quantifier_offset)) != f.id) {
      continue;
    }
    WalkMessages(*reinterpret_cast<ProtobufCMessage* const*>(At(message, f.offset)), visit);
  }
}

void Walk(const ProtobufCMessage* message, const std::function<void(const PgQuery__Node*)>& visit) {
  WalkMessages(message, [&](const ProtobufCMessage* m) {
    if (m->descriptor == &pg_query__node__descriptor) {
      visit(reinterpret_cast<const PgQuery__Node*>(m));
    }
  });
}

void AddColumnConstraints(const PgQuery__RangeVar* relation, const PgQuery__ColumnDef* column,
                          const PgQuery__AlterTableCmd* command, std::vector<ConstraintSite>& out) {
  if (column == nullptr) return;
  for (size_t i = 0; i < column->n_constraints; ++i) {
    const PgQuery__Node* c = column->constraints[i];
    if (c != nullptr && c->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
      out.push_back({relation, c->constraint, column, command});
    }
  }
}

}  // namespace

void ForEachNode(const PgQuery__Node* node,
                 const std::function<void(const PgQuery__Node*)>& visit) {
  Walk(reinterpret_cast<const ProtobufCMessage*>(node), visit);
}

void ForEachNodeIn(const ProtobufCMessage* message,
                   const std::function<void(const PgQuery__Node*)>& visit) {
  Walk(message, visit);
}

std::vector<std::string> NamedRoles(const PgQuery__Node* statement) {
  std::vector<std::string> roles;
  // GRANT role TO …: the granted roles are privileges by name, not RoleSpecs.
  const PgQuery__Node* grant = Unwrap(statement);
  if (grant != nullptr && grant->node_case == PG_QUERY__NODE__NODE_GRANT_ROLE_STMT) {
    for (size_t i = 0; i < grant->grant_role_stmt->n_granted_roles; ++i) {
      const PgQuery__Node* r = grant->grant_role_stmt->granted_roles[i];
      if (r != nullptr && r->node_case == PG_QUERY__NODE__NODE_ACCESS_PRIV &&
          r->access_priv->priv_name != nullptr) {
        roles.emplace_back(r->access_priv->priv_name);
      }
    }
  }
  WalkMessages(reinterpret_cast<const ProtobufCMessage*>(statement),
               [&](const ProtobufCMessage* m) {
                 if (m->descriptor != &pg_query__role_spec__descriptor) return;
                 auto* role = reinterpret_cast<const PgQuery__RoleSpec*>(m);
                 if (role->roletype == PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_CSTRING &&
                     role->rolename != nullptr && *role->rolename != '\0') {
                   roles.emplace_back(role->rolename);
                 }
               });
  return roles;
}

std::vector<ConstraintSite> ConstraintsOf(const PgQuery__Node* statement) {
  std::vector<ConstraintSite> out;
  statement = Unwrap(statement);
  if (statement == nullptr) return out;
  if (statement->node_case == PG_QUERY__NODE__NODE_CREATE_STMT) {
    const PgQuery__CreateStmt* create = statement->create_stmt;
    for (size_t i = 0; i < create->n_table_elts; ++i) {
      const PgQuery__Node* e = create->table_elts[i];
      if (e == nullptr) continue;
      if (e->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
        AddColumnConstraints(create->relation, e->column_def, nullptr, out);
      } else if (e->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
        out.push_back({create->relation, e->constraint, nullptr, nullptr});
      }
    }
    for (size_t i = 0; i < create->n_constraints; ++i) {
      const PgQuery__Node* c = create->constraints[i];
      if (c != nullptr && c->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
        out.push_back({create->relation, c->constraint, nullptr, nullptr});
      }
    }
  } else if (statement->node_case == PG_QUERY__NODE__NODE_ALTER_TABLE_STMT) {
    const PgQuery__AlterTableStmt* alter = statement->alter_table_stmt;
    for (size_t i = 0; i < alter->n_cmds; ++i) {
      const PgQuery__Node* n = alter->cmds[i];
      if (n == nullptr || n->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD) continue;
      const PgQuery__AlterTableCmd* cmd = n->alter_table_cmd;
      const PgQuery__Node* def = cmd->def;
      if (def == nullptr) continue;
      if (def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
          (cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint ||
           cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraintRecurse)) {
        out.push_back({alter->relation, def->constraint, nullptr, cmd});
      } else if (def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF &&
                 (cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn ||
                  cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnRecurse)) {
        AddColumnConstraints(alter->relation, def->column_def, cmd, out);
      }
    }
  }
  return out;
}

}  // namespace pgstate::schema::tree
