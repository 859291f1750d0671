#pragma once

// The cache: artifact files under the cache dir in GOPROXY layout, plus the
// index. Writes go to tmp/ (same filesystem), are fsynced and renamed into
// place, and only then get their index row; so after a crash there can be a
// file without a row (re-indexed by recover()) but never a row for a partial
// file. Nothing partial is ever served.
//
// Thread-safe: one index connection guarded by a mutex (writes are rare;
// a hit reads a file and records its use in memory only).

#include <cache/atomic_file.hpp>
#include <cache/index.hpp>
#include <gomod/result.hpp>
#include <gomod/sha256.hpp>

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace gpx::cache {

// An artifact being written: bytes stream into a temporary while their size
// and sha256 are taken.
class Writer
{
public:
  Status write(std::string_view data);
  std::int64_t
  size() const
  {
    return m_size;
  }
  const std::filesystem::path&
  tmp_path() const
  {
    return m_file.tmp_path();
  }

private:
  friend class Store;
  explicit Writer(AtomicFile file)
    : m_file(std::move(file))
  {
  }
  AtomicFile m_file;
  gomod::Sha256 m_sha;
  std::int64_t m_size = 0;
};

struct RecoveryReport
{
  int temporaries_removed = 0;
  int rows_dropped = 0;  // rows whose file was gone
  int files_indexed = 0; // files that had no row
  int files_removed = 0; // files that had no row and no valid name
};

class Store
{
public:
  // Creates the layout under root if needed and opens the index. Safe while
  // another process uses the cache: tmp/ is only cleaned by recover().
  static Result<std::unique_ptr<Store>> open(const std::filesystem::path& root);

  const std::filesystem::path&
  root() const
  {
    return m_root;
  }

  Result<Writer> begin_write();
  // Renames the writer's file to row.path (relative to root) and records it,
  // with size and sha256 taken from what was written.
  Status commit(Writer&& writer, ArtifactRow row);
  // Writes small content in one go (info, mod, list answers).
  Status put(std::string_view data, ArtifactRow row);
  // The file at src as row.path: hard-linked when link is set and the
  // filesystem allows (no copy, no extra space), else copied; either way
  // atomically, with size and sha256 recorded.
  Status put_file(const std::filesystem::path& src, ArtifactRow row, bool link);

  // The row for path if both row and file exist; a row whose file is gone is
  // dropped on the way.
  Result<std::optional<ArtifactRow>> find(const std::string& path);
  // Records that path's bytes were proven against the checksum database.
  Status mark_proven(const std::string& path);
  // Deletes row then file: a reader already streaming keeps its fd.
  Status remove(const std::string& path);

  // Remembers a use in memory; flush_usage() writes them in one transaction.
  void note_used(const std::string& path, std::int64_t when);
  Status flush_usage();
  // Gives back what the index keeps in memory (SQLite's page cache): for an
  // agent gone quiet.
  void release_memory();

  // Reconciles files and rows after a crash or a manual edit.
  Result<RecoveryReport> recover();

  // Runs f with the index under the store's lock.
  template<typename F>
  auto
  with_index(F&& f)
  {
    std::lock_guard lock(m_mutex);
    return f(m_index);
  }

private:
  Store(std::filesystem::path root, Index index);

  std::filesystem::path m_root;
  std::mutex m_mutex;
  Index m_index;
  std::mutex m_usage_mutex;
  std::unordered_map<std::string, std::int64_t> m_usage;
};

// What a relative path in download/ names: module, version and kind, from
// the GOPROXY layout ("download/rsc.io/!q/@v/v1.0.0.zip"); nullopt for a
// name the layout cannot produce.
std::optional<ArtifactRow> parse_artifact_path(const std::string& rel);

// Size and hex sha256 of a file, read in chunks.
Result<std::pair<std::int64_t, std::string>>
digest_file(const std::filesystem::path& p);

} // namespace gpx::cache
