#pragma once

// Thin RAII over SQLite: handles wrapped the moment the call returns (even a
// failed sqlite3_open_v2 hands back a handle that must be closed), prepared
// statements kept per connection, and errors turned into Result.

#include <gomod/result.hpp>

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace gpx::cache::sqlite {

struct DbClose
{
  void
  operator()(sqlite3* p) const noexcept
  {
    sqlite3_close_v2(p);
  }
};
struct StmtFinalize
{
  void
  operator()(sqlite3_stmt* p) const noexcept
  {
    sqlite3_finalize(p);
  }
};
using DbPtr = std::unique_ptr<sqlite3, DbClose>;
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalize>;

Error error(sqlite3* db, std::string_view what);

Status exec(sqlite3* db, const char* sql);
Result<StmtPtr> prepare(sqlite3* db, std::string_view sql);

// Resets and clears a statement's bindings when a use of it ends, however
// it ends, so the next use starts clean.
class Use
{
public:
  explicit Use(sqlite3_stmt* s)
    : m_stmt(s)
  {
  }
  ~Use()
  {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
  }
  Use(const Use&) = delete;
  Use& operator=(const Use&) = delete;

  Use& bind(int i, std::string_view v);
  Use& bind(int i, std::int64_t v);
  Use& bind(int i, std::optional<std::int64_t> v);
  // SQLITE_ROW → true, SQLITE_DONE → false, anything else → error.
  Result<bool> step(sqlite3* db);

  std::string text(int col) const;
  std::int64_t integer(int col) const;
  std::optional<std::int64_t> optional_integer(int col) const;

private:
  sqlite3_stmt* m_stmt;
};

// BEGIN IMMEDIATE … COMMIT: takes the write lock up front so that a batch
// never meets SQLITE_BUSY halfway; rolls back unless commit() succeeded.
class Transaction
{
public:
  static Result<Transaction> begin(sqlite3* db);
  ~Transaction();
  Transaction(Transaction&& other) noexcept
    : m_db(other.m_db)
  {
    other.m_db = nullptr;
  }
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Status commit();

private:
  explicit Transaction(sqlite3* db)
    : m_db(db)
  {
  }
  sqlite3* m_db;
};

} // namespace gpx::cache::sqlite
