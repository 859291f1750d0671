#include "store.hpp"

#include "log.hpp"

#include <cache/clock.hpp>
#include <gomod/dirhash.hpp>
#include <gomod/format.hpp>
#include <gomod/module.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unordered_set>

namespace fs = std::filesystem;

namespace gpx::cache {

Result<std::pair<std::int64_t, std::string>>
digest_file(const fs::path& p)
{
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    return Error::io(format("cannot read {}", p.string()));
  }
  gomod::Sha256 sha;
  std::int64_t size = 0;
  std::string buf(1 << 16, '\0');
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    auto n = in.gcount();
    sha.update(std::string_view(buf.data(), static_cast<std::size_t>(n)));
    size += n;
  }
  if (in.bad()) {
    return Error::io(format("read error on {}", p.string()));
  }
  return std::pair{size, sha.hex_digest()};
}

Status
Writer::write(std::string_view data)
{
  GPX_TRY(m_file.write(data));
  m_sha.update(data);
  m_size += static_cast<std::int64_t>(data.size());
  return {};
}

Store::Store(fs::path root, Index index)
  : m_root(std::move(root)),
    m_index(std::move(index))
{
}

Result<std::unique_ptr<Store>>
Store::open(const fs::path& root)
{
  std::error_code ec;
  for (const char* sub : {"download", "tmp", "sumdb", "git"}) {
    fs::create_directories(root / sub, ec);
    if (ec) {
      return Error::io(
        format("cannot create cache directory {}: {} (set GPX_CACHE_DIR or "
               "--cache-dir to a writable place)",
               (root / sub).string(),
               ec.message()));
    }
  }
  // The cache holds private modules' code and git mirrors: the user's
  // own, like the go command's module cache. Only the root needs it; a
  // cache on a read-only mount keeps whatever mode it has.
  struct stat st
  {
  };
  if (::stat(root.c_str(), &st) == 0 && (st.st_mode & 077) != 0
      && st.st_uid == ::geteuid() && ::chmod(root.c_str(), 0700) != 0) {
    GPX_LOG(warn,
            "cannot make the cache directory {} private (0700): {}",
            root.string(),
            std::strerror(errno));
  }
  auto index = Index::open(root / "index.db");
  if (!index) {
    if (::access(root.c_str(), W_OK) != 0) {
      // SQLite only says "unable to open database file".
      return Error::io(format(
        "the cache directory {} is not writable ({}); make it writable (chmod "
        "u+w, or remount "
        "read-write), or set GPX_CACHE_DIR or --cache-dir to a writable place",
        root.string(),
        std::strerror(errno)));
    }
    return index.error();
  }
  // tmp/ is left alone here: another process (the agent) may be writing
  // there right now. Leftovers of a crash go in recover(), which only the
  // agent holding the cache's lock runs.
  return std::unique_ptr<Store>(new Store(root, std::move(*index)));
}

Result<Writer>
Store::begin_write()
{
  auto f = AtomicFile::create(m_root / "tmp");
  if (!f) {
    return f.error();
  }
  return Writer(std::move(*f));
}

Status
Store::commit(Writer&& writer, ArtifactRow row)
{
  row.size = writer.m_size;
  row.sha256 = writer.m_sha.hex_digest();
  GPX_TRY(writer.m_file.commit(m_root / row.path));
  std::lock_guard lock(m_mutex);
  return m_index.put(row);
}

Status
Store::put(std::string_view data, ArtifactRow row)
{
  auto w = begin_write();
  if (!w) {
    return w.error();
  }
  GPX_TRY(w->write(data));
  return commit(std::move(*w), std::move(row));
}

Status
Store::put_file(const fs::path& src, ArtifactRow row, bool link)
{
  if (link) {
    static std::atomic<unsigned> counter{0};
    auto tmp = m_root / "tmp" / format("gpx-link-{}-{}", ::getpid(), counter++);
    if (::link(src.c_str(), tmp.c_str()) == 0) {
      auto digest = digest_file(tmp);
      std::error_code ec;
      auto dest = m_root / row.path;
      fs::create_directories(dest.parent_path(), ec);
      if (digest && !ec && ::rename(tmp.c_str(), dest.c_str()) == 0) {
        row.size = digest->first;
        row.sha256 = digest->second;
        std::lock_guard lock(m_mutex);
        return m_index.put(row);
      }
      fs::remove(tmp, ec);
    }
    // Another filesystem, or links not allowed: copy.
  }
  std::ifstream in(src, std::ios::binary);
  if (!in) {
    return Error::io(format("cannot read {}", src.string()));
  }
  auto w = begin_write();
  if (!w) {
    return w.error();
  }
  std::string buf(1 << 16, '\0');
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    GPX_TRY(w->write(
      std::string_view(buf.data(), static_cast<std::size_t>(in.gcount()))));
  }
  if (in.bad()) {
    return Error::io(format("read error on {}", src.string()));
  }
  return commit(std::move(*w), std::move(row));
}

Result<std::optional<ArtifactRow>>
Store::find(const std::string& path)
{
  std::lock_guard lock(m_mutex);
  auto row = m_index.get(path);
  if (!row || !row->has_value()) {
    return row;
  }
  std::error_code ec;
  if (!fs::is_regular_file(m_root / path, ec)) {
    GPX_TRY(m_index.remove(path));
    return std::optional<ArtifactRow>();
  }
  return row;
}

Status
Store::mark_proven(const std::string& path)
{
  std::lock_guard lock(m_mutex);
  return m_index.set_proven(path);
}

Status
Store::remove(const std::string& path)
{
  {
    std::lock_guard lock(m_mutex);
    GPX_TRY(m_index.remove(path));
  }
  std::error_code ec;
  fs::remove(m_root / path, ec);
  if (ec) {
    return Error::io(
      format("cannot remove {}: {}", (m_root / path).string(), ec.message()));
  }
  return {};
}

void
Store::note_used(const std::string& path, std::int64_t when)
{
  std::lock_guard lock(m_usage_mutex);
  auto& t = m_usage[path];
  t = std::max(t, when);
}

void
Store::release_memory()
{
  std::lock_guard lock(m_mutex);
  m_index.release_memory();
}

Status
Store::flush_usage()
{
  std::vector<std::pair<std::string, std::int64_t>> batch;
  {
    std::lock_guard lock(m_usage_mutex);
    batch.assign(m_usage.begin(), m_usage.end());
    m_usage.clear();
  }
  std::lock_guard lock(m_mutex);
  return m_index.touch(batch);
}

std::optional<ArtifactRow>
parse_artifact_path(const std::string& rel)
{
  constexpr std::string_view k_download = "download/";
  if (!std::string_view(rel).starts_with(k_download)) {
    return std::nullopt;
  }
  std::string_view rest = std::string_view(rel).substr(k_download.size());
  ArtifactRow row;
  row.path = rel;
  std::string_view escaped_module;
  std::string_view file;
  if (auto at = rest.rfind("/@v/"); at != std::string_view::npos) {
    escaped_module = rest.substr(0, at);
    file = rest.substr(at + 4);
  } else if (rest.ends_with("/@latest")) {
    escaped_module = rest.substr(0, rest.size() - 8);
    row.kind = "latest";
  } else {
    return std::nullopt;
  }
  auto module = gomod::unescape_path(escaped_module);
  if (!module) {
    return std::nullopt;
  }
  row.module = *module;
  if (row.kind == "latest") {
    return row;
  }
  if (file == "list") {
    row.kind = "list";
    return row;
  }
  auto dot = file.rfind('.');
  if (dot == std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view ext = file.substr(dot + 1);
  if (ext != "info" && ext != "mod" && ext != "zip") {
    return std::nullopt;
  }
  auto version = gomod::unescape_version(file.substr(0, dot));
  if (!version) {
    return std::nullopt;
  }
  row.kind = std::string(ext);
  row.version = *version;
  // Only .info may answer a query (branch, commit prefix); .mod and .zip
  // exist for canonical versions only.
  if (row.kind != "info"
      && (!gomod::check(row.module, row.version)
          || gomod::canonical_version(row.version) != row.version)) {
    return std::nullopt;
  }
  return row;
}

namespace {

// Removes everything under dir (an interrupted write's temporaries); returns
// how many entries went.
int
sweep_dir(const fs::path& dir)
{
  int n = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    fs::remove_all(e.path(), ec);
    ++n;
  }
  return n;
}

// Drops the rows whose file is gone; returns the paths of those that stay.
Result<std::unordered_set<std::string>>
drop_rows_without_files(Index& index,
                        const fs::path& root,
                        RecoveryReport& report)
{
  auto rows = index.with_prefix("");
  if (!rows) {
    return rows.error();
  }
  std::unordered_set<std::string> indexed;
  std::error_code ec;
  for (const auto& row : *rows) {
    if (!fs::is_regular_file(root / row.path, ec)) {
      GPX_TRY(index.remove(row.path));
      ++report.rows_dropped;
    } else {
      indexed.insert(row.path);
    }
  }
  return indexed;
}

// The row for a file found without one (rel: its path under the cache
// root), hashed as a fetch would; nullopt for a file that is no artifact or
// is corrupt.
std::optional<ArtifactRow>
recovered_row(const fs::path& file, const std::string& rel, std::int64_t now)
{
  auto parsed = parse_artifact_path(rel);
  if (!parsed) {
    return std::nullopt;
  }
  auto digest = digest_file(file);
  if (!digest) {
    return std::nullopt;
  }
  std::optional<std::string> h1;
  if (parsed->kind == "zip") {
    // A zip that cannot be hashed is corrupt: it goes.
    if (auto h = gomod::dirhash::hash_zip(file)) {
      h1 = *h;
    }
  } else if (parsed->kind == "mod") {
    if (auto data = read_small_file(file)) {
      h1 = gomod::dirhash::hash_go_mod(*data);
    }
  } else {
    h1 = "";
  }
  if (!h1) {
    return std::nullopt;
  }
  ArtifactRow row = *parsed;
  row.size = digest->first;
  row.sha256 = digest->second;
  row.h1 = *h1;
  row.origin = "recovered";
  row.fetched_at = now;
  row.last_used_at = now;
  // Mutable answers come back already expired: fresh data is fetched when
  // an upstream is reachable, and this copy still serves offline.
  bool immutable = (row.kind == "mod" || row.kind == "zip")
                   || (row.kind == "info"
                       && gomod::canonical_version(row.version) == row.version
                       && !row.version.empty());
  if (!immutable) {
    row.expires_at = 0;
  }
  return row;
}

} // namespace

Result<RecoveryReport>
Store::recover()
{
  RecoveryReport report;
  report.temporaries_removed = sweep_dir(m_root / "tmp");

  std::lock_guard lock(m_mutex);
  auto indexed = drop_rows_without_files(m_index, m_root, report);
  if (!indexed) {
    return indexed.error();
  }

  // Files without a row: indexed again if they hash, removed if not.
  std::error_code ec;
  auto now = unix_now();
  for (auto it = fs::recursive_directory_iterator(m_root / "download", ec);
       it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (ec) {
      return Error::io(format(
        "cannot scan {}: {}", (m_root / "download").string(), ec.message()));
    }
    if (!it->is_regular_file(ec)) {
      continue;
    }
    std::string rel = fs::relative(it->path(), m_root, ec).string();
    if (indexed->count(rel) != 0) {
      continue;
    }
    auto row = recovered_row(it->path(), rel, now);
    if (!row) {
      fs::remove(it->path(), ec);
      ++report.files_removed;
      continue;
    }
    GPX_TRY(m_index.put(*row));
    ++report.files_indexed;
  }
  return report;
}

} // namespace gpx::cache
