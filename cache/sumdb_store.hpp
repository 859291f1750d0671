#pragma once

// Where a checksum-database client keeps what it has proven: files under
// sumdb/<name>/ (lookup/M@V, tile/H/L/N[.p/W], latest) with index rows
// marked proven. A file without a proven row (written before gpx verified,
// or re-indexed after a crash) is never read back as proof; it is fetched
// and proven again, or is missing offline.

#include <cache/store.hpp>
#include <gomod/sumdb_client.hpp>

#include <functional>
#include <string>

namespace gpx::cache {

// Which modules the cache proves, and against which database.
struct ProofOptions
{
  gomod::sumdb::Database db;    // off: nothing is proven
  std::string private_patterns; // never proven (their trust is git's)
  std::string nosumdb_patterns;

  // Whether a version of this module must match the database's record:
  // a database is set, and the path is neither private nor nosumdb.
  bool proves(std::string_view module_path) const;
};

class SumdbStore final : public gomod::sumdb::Ops
{
public:
  // remote: reads "lookup/…", "tile/…", "latest" from the database (empty:
  // offline, every remote read fails). origin: the redacted base URL the
  // index records.
  using Remote = std::function<Result<std::string>(const std::string& path)>;
  SumdbStore(Store& store, std::string name, Remote remote = {});

  void set_origin(std::string origin);

  Result<std::string> read_remote(const std::string& path) override;
  std::optional<std::string> read_cache(const std::string& file) override;
  void write_cache(const std::string& file, std::string_view data) override;
  std::string read_latest() override;
  void write_latest(std::string_view note) override;
  void security_error(const std::string& message) override;

  // The cache path of a database file: "sumdb/<name>/<file>".
  std::string rel(const std::string& file) const;

private:
  Store& m_store;
  std::string m_name;
  Remote m_remote;
  std::mutex m_mutex;
  std::string m_origin;
};

} // namespace gpx::cache
