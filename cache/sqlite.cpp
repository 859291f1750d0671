#include "sqlite.hpp"

#include <gomod/format.hpp>

namespace gpx::cache::sqlite {

Error
error(sqlite3* db, std::string_view what)
{
  int code = sqlite3_extended_errcode(db);
  // SQLITE_FULL is the disk-full case: the write is lost, the index is not.
  return Error::io(
    format("index: {}: {} (sqlite code {})", what, sqlite3_errmsg(db), code));
}

Status
exec(sqlite3* db, const char* sql)
{
  char* msg = nullptr;
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, &msg);
  if (rc != SQLITE_OK) {
    std::string text = msg != nullptr ? msg : sqlite3_errstr(rc);
    sqlite3_free(msg);
    return Error::io(format("index: {}", text));
  }
  return {};
}

Result<StmtPtr>
prepare(sqlite3* db, std::string_view sql)
{
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v3(db,
                              sql.data(),
                              static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT,
                              &raw,
                              nullptr);
  StmtPtr stmt(raw);
  if (rc != SQLITE_OK) {
    return error(db, format("prepare {:?}", sql));
  }
  return stmt;
}

Use&
Use::bind(int i, std::string_view v)
{
  sqlite3_bind_text(
    m_stmt, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}

Use&
Use::bind(int i, std::int64_t v)
{
  sqlite3_bind_int64(m_stmt, i, v);
  return *this;
}

Use&
Use::bind(int i, std::optional<std::int64_t> v)
{
  if (v) {
    sqlite3_bind_int64(m_stmt, i, *v);
  } else {
    sqlite3_bind_null(m_stmt, i);
  }
  return *this;
}

Result<bool>
Use::step(sqlite3* db)
{
  int rc = sqlite3_step(m_stmt);
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  return error(db, "step");
}

std::string
Use::text(int col) const
{
  const auto* p =
    reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, col));
  return p == nullptr
           ? std::string()
           : std::string(
             p, static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, col)));
}

std::int64_t
Use::integer(int col) const
{
  return sqlite3_column_int64(m_stmt, col);
}

std::optional<std::int64_t>
Use::optional_integer(int col) const
{
  if (sqlite3_column_type(m_stmt, col) == SQLITE_NULL) {
    return std::nullopt;
  }
  return sqlite3_column_int64(m_stmt, col);
}

Result<Transaction>
Transaction::begin(sqlite3* db)
{
  GPX_TRY(exec(db, "BEGIN IMMEDIATE"));
  return Transaction(db);
}

Transaction::~Transaction()
{
  if (m_db != nullptr) {
    sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

Status
Transaction::commit()
{
  GPX_TRY(exec(m_db, "COMMIT"));
  m_db = nullptr;
  return {};
}

} // namespace gpx::cache::sqlite
