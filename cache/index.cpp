#include "index.hpp"

#include <gomod/format.hpp>

#include <array>

namespace gpx::cache {

namespace {

// Append-only: step N takes user_version N-1 to N. Never edit a step that
// has shipped; add one.
constexpr std::array k_migrations = {
  R"sql(
CREATE TABLE artifact (
  path TEXT PRIMARY KEY,
  module TEXT NOT NULL,
  version TEXT NOT NULL,
  kind TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  h1 TEXT NOT NULL,
  origin TEXT NOT NULL,
  fetched_at INTEGER NOT NULL,
  last_used_at INTEGER NOT NULL,
  expires_at INTEGER
) STRICT;
CREATE INDEX artifact_lru ON artifact (last_used_at);
CREATE INDEX artifact_module ON artifact (module, version);
CREATE TABLE counter (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) STRICT;
)sql",
  // Whether a row's bytes were proven against the checksum database (or need
  // no proof: private modules). Rows from before gpx proved anything start
  // unproven and are proven on first use.
  R"sql(
ALTER TABLE artifact ADD COLUMN proven INTEGER NOT NULL DEFAULT 0;
)sql",
};

constexpr const char* k_columns =
  "path, module, version, kind, size, sha256, h1, origin, fetched_at, "
  "last_used_at, expires_at, proven";

ArtifactRow
read_row(const sqlite::Use& u)
{
  ArtifactRow r;
  r.path = u.text(0);
  r.module = u.text(1);
  r.version = u.text(2);
  r.kind = u.text(3);
  r.size = u.integer(4);
  r.sha256 = u.text(5);
  r.h1 = u.text(6);
  r.origin = u.text(7);
  r.fetched_at = u.integer(8);
  r.last_used_at = u.integer(9);
  r.expires_at = u.optional_integer(10);
  r.proven = u.integer(11) != 0;
  return r;
}

Result<std::vector<ArtifactRow>>
read_rows(sqlite3* db, sqlite::Use& u)
{
  std::vector<ArtifactRow> rows;
  while (true) {
    auto more = u.step(db);
    if (!more) {
      return more.error();
    }
    if (!*more) {
      return rows;
    }
    rows.push_back(read_row(u));
  }
}

Status
migrate(sqlite3* db, const std::filesystem::path& db_file)
{
  auto stmt = sqlite::prepare(db, "PRAGMA user_version");
  if (!stmt) {
    return stmt.error();
  }
  int version = 0;
  {
    sqlite::Use u(stmt->get());
    auto row = u.step(db);
    if (!row) {
      return row.error();
    }
    version = static_cast<int>(u.integer(0));
  }
  if (version > Index::k_schema_version) {
    return Error::invalid(
      format("{}: index schema {} is newer than this gpx understands ({}); "
             "upgrade gpx, or use another --cache-dir",
             db_file.string(),
             version,
             Index::k_schema_version));
  }
  for (int step = version; step < static_cast<int>(k_migrations.size());
       ++step) {
    auto tx = sqlite::Transaction::begin(db);
    if (!tx) {
      return tx.error();
    }
    GPX_TRY(sqlite::exec(db, k_migrations[static_cast<std::size_t>(step)]));
    GPX_TRY(
      sqlite::exec(db, format("PRAGMA user_version = {}", step + 1).c_str()));
    GPX_TRY(tx->commit());
  }
  return {};
}

} // namespace

Result<Index>
Index::open(const std::filesystem::path& db_file)
{
  Index index;
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(db_file.c_str(),
                           &raw,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                             | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  index.m_db.reset(
    raw); // wrapped before the check: a failed open still allocates
  if (rc != SQLITE_OK) {
    return sqlite::error(raw, format("cannot open {}", db_file.string()));
  }
  sqlite3_busy_timeout(raw, 5000);
  GPX_TRY(sqlite::exec(raw, "PRAGMA journal_mode=WAL"));
  GPX_TRY(sqlite::exec(raw, "PRAGMA synchronous=NORMAL"));
  GPX_TRY(sqlite::exec(raw, "PRAGMA foreign_keys=ON"));
  GPX_TRY(migrate(raw, db_file));
  GPX_TRY(index.prepare_statements());
  return index;
}

Status
Index::prepare_statements()
{
  auto p = [this](sqlite::StmtPtr& slot, const std::string& sql) -> Status {
    auto s = sqlite::prepare(m_db.get(), sql);
    if (!s) {
      return s.error();
    }
    slot = std::move(*s);
    return {};
  };
  GPX_TRY(p(m_put,
            format("INSERT OR REPLACE INTO artifact ({}) VALUES "
                   "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)",
                   k_columns)));
  GPX_TRY(
    p(m_get, format("SELECT {} FROM artifact WHERE path = ?1", k_columns)));
  GPX_TRY(p(m_remove, "DELETE FROM artifact WHERE path = ?1"));
  GPX_TRY(p(m_touch,
            "UPDATE artifact SET last_used_at = ?2 WHERE path = ?1 AND "
            "last_used_at < ?2"));
  GPX_TRY(
    p(m_lru,
      format(
        "SELECT {} FROM artifact ORDER BY last_used_at ASC, path ASC LIMIT ?1",
        k_columns)));
  GPX_TRY(p(m_prefix,
            format("SELECT {} FROM artifact WHERE substr(path, 1, length(?1)) "
                   "= ?1 ORDER BY path",
                   k_columns)));
  GPX_TRY(p(m_of_version,
            format("SELECT {} FROM artifact WHERE module = ?1 AND version = ?2 "
                   "ORDER BY path",
                   k_columns)));
  GPX_TRY(p(m_set_proven, "UPDATE artifact SET proven = 1 WHERE path = ?1"));
  GPX_TRY(p(m_unproven,
            format("SELECT {} FROM artifact WHERE proven = 0 AND kind IN "
                   "('mod', 'zip') ORDER BY path",
                   k_columns)));
  GPX_TRY(p(m_totals, "SELECT count(*), coalesce(sum(size), 0) FROM artifact"));
  GPX_TRY(p(m_add_counter,
            "INSERT INTO counter (name, value) VALUES (?1, ?2) "
            "ON CONFLICT (name) DO UPDATE SET value = value + ?2"));
  GPX_TRY(p(m_counter, "SELECT value FROM counter WHERE name = ?1"));
  return {};
}

Status
Index::put(const ArtifactRow& row)
{
  sqlite::Use u(m_put.get());
  u.bind(1, row.path)
    .bind(2, row.module)
    .bind(3, row.version)
    .bind(4, row.kind)
    .bind(5, row.size)
    .bind(6, row.sha256)
    .bind(7, row.h1)
    .bind(8, row.origin)
    .bind(9, row.fetched_at)
    .bind(10, row.last_used_at)
    .bind(11, row.expires_at)
    .bind(12, std::int64_t{row.proven ? 1 : 0});
  auto r = u.step(m_db.get());
  if (!r) {
    return r.error();
  }
  return {};
}

Result<std::optional<ArtifactRow>>
Index::get(std::string_view path)
{
  sqlite::Use u(m_get.get());
  u.bind(1, path);
  auto r = u.step(m_db.get());
  if (!r) {
    return r.error();
  }
  if (!*r) {
    return std::optional<ArtifactRow>();
  }
  return std::optional<ArtifactRow>(read_row(u));
}

Status
Index::remove(std::string_view path)
{
  sqlite::Use u(m_remove.get());
  u.bind(1, path);
  auto r = u.step(m_db.get());
  if (!r) {
    return r.error();
  }
  return {};
}

Status
Index::touch(const std::vector<std::pair<std::string, std::int64_t>>& used)
{
  if (used.empty()) {
    return {};
  }
  auto tx = sqlite::Transaction::begin(m_db.get());
  if (!tx) {
    return tx.error();
  }
  for (const auto& [path, when] : used) {
    sqlite::Use u(m_touch.get());
    u.bind(1, path).bind(2, when);
    auto r = u.step(m_db.get());
    if (!r) {
      return r.error();
    }
  }
  return tx->commit();
}

Result<std::vector<ArtifactRow>>
Index::least_recently_used(std::int64_t limit)
{
  sqlite::Use u(m_lru.get());
  u.bind(1, limit);
  return read_rows(m_db.get(), u);
}

void
Index::release_memory()
{
  sqlite3_db_release_memory(m_db.get());
}

Result<std::vector<ArtifactRow>>
Index::with_prefix(std::string_view prefix)
{
  sqlite::Use u(m_prefix.get());
  u.bind(1, prefix);
  return read_rows(m_db.get(), u);
}

Result<std::vector<ArtifactRow>>
Index::of_version(std::string_view module, std::string_view version)
{
  sqlite::Use u(m_of_version.get());
  u.bind(1, module).bind(2, version);
  return read_rows(m_db.get(), u);
}

Status
Index::set_proven(std::string_view path)
{
  sqlite::Use u(m_set_proven.get());
  u.bind(1, path);
  auto r = u.step(m_db.get());
  if (!r) {
    return r.error();
  }
  return {};
}

Result<std::vector<ArtifactRow>>
Index::unproven_artifacts()
{
  sqlite::Use u(m_unproven.get());
  return read_rows(m_db.get(), u);
}

Result<Totals>
Index::totals()
{
  sqlite::Use u(m_totals.get());
  auto r = u.step(m_db.get());
  if (!r) {
    return r.error();
  }
  return Totals{u.integer(0), u.integer(1)};
}

Status
Index::add_counter(std::string_view name, std::int64_t delta)
{
  sqlite::Use u(m_add_counter.get());
  u.bind(1, name).bind(2, delta);
  auto r = u.step(m_db.get());
  if (!r) {
    return r.error();
  }
  return {};
}

Result<std::int64_t>
Index::counter(std::string_view name)
{
  sqlite::Use u(m_counter.get());
  u.bind(1, name);
  auto r = u.step(m_db.get());
  if (!r) {
    return r.error();
  }
  return *r ? u.integer(0) : std::int64_t{0};
}

Status
Index::reset_counters()
{
  return sqlite::exec(m_db.get(), "DELETE FROM counter");
}

} // namespace gpx::cache
