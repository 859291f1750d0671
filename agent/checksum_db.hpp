#pragma once

// The agent's side of the checksum database (the `sumdb` setting): it
// proves every public .mod and .zip before they are cached, and answers the
// go command's /sumdb/<name>/… requests with proven lookups, tiles and tree
// heads only, from the cache offline (gomod/sumdb_client does the proving;
// cache/sumdb_store keeps the proofs). Private and `nosumdb` paths never
// reach the database.

#include <agent/metrics.hpp>
#include <agent/reply.hpp>
#include <agent/upstream.hpp>
#include <cache/store.hpp>
#include <cache/sumdb_store.hpp>
#include <gomod/gosum.hpp>
#include <gomod/module.hpp>
#include <gomod/sumdb_client.hpp>

#include <memory>
#include <mutex>
#include <string>

namespace gpx::agent {

struct ChecksumDbOptions
{
  cache::ProofOptions proof; // the database (off: nothing is checked), and the
                             // paths it never sees
  bool offline = false;
};

class ChecksumDb
{
public:
  ChecksumDb(cache::Store& store,
             Upstream& upstream,
             ChecksumDbOptions options);

  // Whether a version of this module must match the database's record.
  bool checks(std::string_view module_path) const;
  // The database's proven hashes for mv: from the cached record, or fetched
  // (not offline). not_found when the database has no such version.
  Result<gomod::GoSumEntry> expected(const gomod::Version& mv);

  // GET /sumdb/<name>/<op> from a go command.
  Reply serve(const std::string& name, const std::string& op, Metrics& metrics);

  const std::string&
  name() const
  {
    return m_options.proof.db.name;
  }

private:
  Reply serve_lookup(const std::string& op, Metrics& metrics);
  Reply serve_tile(const std::string& op, Metrics& metrics);
  Reply serve_latest(Metrics& metrics);
  Reply serve_supported();
  Reply failed(const Error& e, std::string_view what, Metrics& metrics);
  // "<proxy>/sumdb/<name>" of the first upstream proxy that supports the
  // database, or its own URL; "" when none does.
  std::string base();
  Result<std::string> remote(const std::string& path);

  cache::Store& m_store;
  Upstream& m_upstream;
  ChecksumDbOptions m_options;
  std::unique_ptr<cache::SumdbStore> m_ops;
  std::unique_ptr<gomod::sumdb::Client> m_client;
  std::mutex m_mutex;
  std::string m_base; // found once
  bool m_base_known = false;
};

} // namespace gpx::agent
