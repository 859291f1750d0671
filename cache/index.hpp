#pragma once

// The SQLite index of the cache (index.db, WAL mode): one row per artifact
// file, keyed by its path relative to the cache dir. The index is the truth
// for pruning and stats; the files are the truth for bytes. One Index per
// thread: a connection is not shared.

#include <cache/sqlite.hpp>
#include <gomod/result.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gpx::cache {

struct ArtifactRow
{
  std::string
    path; // relative to the cache dir, e.g. download/rsc.io/quote/@v/v1.5.2.zip
  std::string module;  // unescaped module path ("" for sumdb entries)
  std::string version; // canonical version, or the query for a mutable answer
  std::string kind;    // info, mod, zip, list, latest, sumdb
  std::int64_t size = 0;
  std::string sha256; // hex of the file's bytes
  std::string h1;     // dirhash of a zip or go.mod, "" otherwise
  std::string
    origin; // where it came from (redacted upstream URL, "direct", "import")
  std::int64_t fetched_at = 0;            // unix seconds
  std::int64_t last_used_at = 0;          // unix seconds
  std::optional<std::int64_t> expires_at; // set for mutable answers only
  // The bytes match the checksum database's proven record (or need no
  // proof: a private module, a proven checksum-database file).
  bool proven = false;

  bool operator==(const ArtifactRow&) const = default;
};

struct Totals
{
  std::int64_t entries = 0;
  std::int64_t bytes = 0;
};

class Index
{
public:
  // Opens (creating and migrating as needed) the index at db_file. Refuses an
  // index written by a newer gpx, naming the versions.
  static Result<Index> open(const std::filesystem::path& db_file);

  Index(Index&&) noexcept = default;
  Index& operator=(Index&&) noexcept = default;
  Index(const Index&) = delete;
  Index& operator=(const Index&) = delete;
  ~Index() = default;

  // Inserts or replaces the row for row.path.
  Status put(const ArtifactRow& row);
  Result<std::optional<ArtifactRow>> get(std::string_view path);
  Status remove(std::string_view path);

  // Flushes batched last-used times in one transaction; rows that are gone
  // are ignored. Only ever moves a time forward.
  Status touch(const std::vector<std::pair<std::string, std::int64_t>>& used);

  // Least recently used first; at most limit rows.
  Result<std::vector<ArtifactRow>> least_recently_used(std::int64_t limit);
  // Every row whose path starts with prefix (e.g. a module's directory).
  Result<std::vector<ArtifactRow>> with_prefix(std::string_view prefix);
  // Frees SQLite's cache of this database's pages; they are read again as
  // needed.
  void release_memory();
  // Every row of one module version (its .info/.mod/.zip, checksum
  // database lookups of it).
  Result<std::vector<ArtifactRow>> of_version(std::string_view module,
                                              std::string_view version);
  Result<Totals> totals();
  Status set_proven(std::string_view path);
  // Every .mod and .zip not proven yet (cached before verification, or
  // imported without proof).
  Result<std::vector<ArtifactRow>> unproven_artifacts();

  // Named counters (hits, misses, bytes served …) that survive restarts.
  Status add_counter(std::string_view name, std::int64_t delta);
  Result<std::int64_t> counter(std::string_view name);
  Status reset_counters();

  static constexpr int k_schema_version = 2;

private:
  Index() = default;
  Status prepare_statements();

  sqlite::DbPtr m_db;
  sqlite::StmtPtr m_put;
  sqlite::StmtPtr m_get;
  sqlite::StmtPtr m_remove;
  sqlite::StmtPtr m_touch;
  sqlite::StmtPtr m_lru;
  sqlite::StmtPtr m_prefix;
  sqlite::StmtPtr m_of_version;
  sqlite::StmtPtr m_totals;
  sqlite::StmtPtr m_set_proven;
  sqlite::StmtPtr m_unproven;
  sqlite::StmtPtr m_add_counter;
  sqlite::StmtPtr m_counter;
};

} // namespace gpx::cache
