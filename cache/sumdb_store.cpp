#include "sumdb_store.hpp"

#include <cache/clock.hpp>
#include <cache/layout.hpp>
#include <cache/log.hpp>
#include <gomod/module.hpp>

namespace gpx::cache {

bool
ProofOptions::proves(std::string_view module_path) const
{
  auto matches = [&](const std::string& patterns) {
    return !patterns.empty()
           && gomod::match_prefix_patterns(patterns, module_path);
  };
  return !db.off && !matches(private_patterns) && !matches(nosumdb_patterns);
}

SumdbStore::SumdbStore(Store& store, std::string name, Remote remote)
  : m_store(store),
    m_name(std::move(name)),
    m_remote(std::move(remote))
{
}

void
SumdbStore::set_origin(std::string origin)
{
  std::lock_guard lock(m_mutex);
  m_origin = std::move(origin);
}

std::string
SumdbStore::rel(const std::string& file) const
{
  return "sumdb/" + m_name + "/" + file;
}

Result<std::string>
SumdbStore::read_remote(const std::string& path)
{
  if (!m_remote) {
    return Error::not_found(
      format("{}: not in the cache, and the checksum database is not reachable "
             "offline",
             path));
  }
  return m_remote(path);
}

std::optional<std::string>
SumdbStore::read_cache(const std::string& file)
{
  auto r = rel(file);
  auto row = m_store.find(r);
  if (!row || !row->has_value() || !(*row)->proven) {
    return std::nullopt;
  }
  auto data = read_small_file(m_store.root() / r);
  if (!data) {
    return std::nullopt;
  }
  auto now = unix_now();
  m_store.note_used(r, now);
  return std::move(*data);
}

void
SumdbStore::write_cache(const std::string& file, std::string_view data)
{
  auto now = unix_now();
  ArtifactRow row;
  row.path = rel(file);
  row.kind = "sumdb";
  row.fetched_at = now;
  row.last_used_at = now;
  row.proven = true;
  {
    std::lock_guard lock(m_mutex);
    row.origin = m_origin;
  }
  if (auto mv = sumdb_lookup_version(file)) {
    // Indexed by module version, so prune and ls see the proof beside the
    // module it proves.
    row.module = mv->path;
    row.version = mv->version;
  }
  if (auto ok = m_store.put(data, row); !ok) {
    // Losing a proof only costs fetching it again.
    GPX_LOG(warn,
            "could not cache checksum database file path={:?} error={:?}",
            row.path,
            ok.error().message);
  }
}

std::string
SumdbStore::read_latest()
{
  return read_cache("latest").value_or("");
}

void
SumdbStore::write_latest(std::string_view note)
{
  write_cache("latest", note);
}

void
SumdbStore::security_error(const std::string& message)
{
  GPX_LOG(error, "checksum database {}: {}", m_name, message);
}

} // namespace gpx::cache
