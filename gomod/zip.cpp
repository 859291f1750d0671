// Module files as x/mod/zip reads them: from memory, from disk, and a module
// directory's listing (listFilesInDir).

#include "zip.hpp"

#include "zip_detail.hpp"
#include "zip_reader.hpp"

#include <gomod/format.hpp>
#include <gomod/modfile.hpp>
#include <gomod/path.hpp>
#include <gomod/posix.hpp>
#include <gomod/sha256.hpp>
#include <gomod/strconv.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace fs = std::filesystem;

namespace gpx::gomod::zip {

using detail::DirListing;

using detail::declares_go_1_24;
using detail::is_vendored_package;
using detail::read_limited;

namespace {

// ---------------------------------------------------------------------------
// Directories.

class FdReader : public Reader
{
public:
  explicit FdReader(Fd fd, fs::path path)
    : m_fd(std::move(fd)),
      m_path(std::move(path))
  {
  }
  Result<std::size_t>
  read(std::span<char> buf) override
  {
    for (;;) {
      ssize_t n = ::read(m_fd.get(), buf.data(), buf.size());
      if (n >= 0) {
        return static_cast<std::size_t>(n);
      }
      if (errno != EINTR) {
        return io_error("read", m_path, errno);
      }
    }
  }

private:
  Fd m_fd;
  fs::path m_path;
};

class MemoryReader : public Reader
{
public:
  explicit MemoryReader(std::shared_ptr<const std::string> data)
    : m_data(std::move(data))
  {
  }
  Result<std::size_t>
  read(std::span<char> buf) override
  {
    std::size_t n = std::min(buf.size(), m_data->size() - m_pos);
    std::memcpy(buf.data(), m_data->data() + m_pos, n);
    m_pos += n;
    return n;
  }

private:
  std::shared_ptr<const std::string> m_data;
  std::size_t m_pos = 0;
};

Result<Fd>
open_read(const fs::path& p)
{
  Fd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    return io_error("open", p, errno);
  }
  return fd;
}

File
dir_file(const fs::path& abs, std::string rel, const struct stat& st)
{
  File f;
  f.path = std::move(rel);
  if (S_ISREG(st.st_mode)) {
    f.type = FileType::regular;
  } else if (S_ISDIR(st.st_mode)) {
    f.type = FileType::directory;
  } else if (S_ISLNK(st.st_mode)) {
    f.type = FileType::symlink;
  } else {
    f.type = FileType::other;
  }
  f.size = static_cast<std::uint64_t>(st.st_size);
  f.open = [abs]() -> Result<std::unique_ptr<Reader>> {
    auto fd = open_read(abs);
    if (!fd) {
      return fd.error();
    }
    return std::unique_ptr<Reader>(
      std::make_unique<FdReader>(std::move(*fd), abs));
  };
  return f;
}

// listFilesInDir: the walk of filepath.Walk (names in byte order, links not
// followed) with the directory-level rules: VCS directories and nested
// modules are skipped whole, vendored paths and irregular files omitted.
class DirWalker
{
public:
  explicit DirWalker(bool go_1_24)
    : m_go_1_24(go_1_24)
  {
  }

  Status
  walk(const fs::path& abs, const std::string& rel)
  {
    std::vector<std::string> names;
    {
      std::error_code ec;
      fs::directory_iterator it(abs, ec);
      if (ec) {
        return Error::io(format("open {}: {}", abs.string(), ec.message()));
      }
      for (; it != fs::directory_iterator(); it.increment(ec)) {
        names.push_back(it->path().filename().string());
      }
      if (ec) {
        return Error::io(format("readdir {}: {}", abs.string(), ec.message()));
      }
    }
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) {
      fs::path child = abs / name;
      std::string child_rel = rel.empty() ? name : rel + "/" + name;
      struct stat st;
      if (::lstat(child.c_str(), &st) != 0) {
        return io_error("lstat", child, errno);
      }
      GPX_TRY(visit(child, child_rel, st));
    }
    return {};
  }

  DirListing m_out;

private:
  Status
  visit(const fs::path& abs, const std::string& rel, const struct stat& st)
  {
    // Checked first so that a tree and a zip of the same files agree; a
    // vendored directory is still entered, its files reported one by one.
    if (is_vendored_package(rel, m_go_1_24)) {
      m_out.omitted.push_back({rel, "file is in vendor directory"});
      return {};
    }
    if (S_ISDIR(st.st_mode)) {
      std::string base = abs.filename().string();
      if (base == ".bzr" || base == ".git" || base == ".hg" || base == ".svn") {
        m_out.omitted.push_back(
          {rel, "directory is a version control repository"});
        return {};
      }
      struct stat gm;
      if (::lstat((abs / "go.mod").c_str(), &gm) == 0 && !S_ISDIR(gm.st_mode)) {
        m_out.omitted.push_back({rel, "directory is in another module"});
        return {};
      }
      return walk(abs, rel);
    }
    if (!S_ISREG(st.st_mode)) {
      m_out.omitted.push_back({rel, "not a regular file"});
      return {};
    }
    m_out.files.push_back(dir_file(abs, rel, st));
    return {};
  }

  bool m_go_1_24;
};

} // namespace

namespace detail {

Result<DirListing>
list_files_in_dir(const fs::path& dir)
{
  // Unlike filepath.Walk, the root may be a symlink to a directory: the
  // caller named it, and Go would silently produce an empty module.
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Error::io(format("{}: not a directory", dir.string()));
  }
  bool go_1_24 = false;
  if (auto fd = open_read(dir / "go.mod")) {
    File gomod;
    gomod.open = [&fd, &dir]() -> Result<std::unique_ptr<Reader>> {
      return std::unique_ptr<Reader>(
        std::make_unique<FdReader>(std::move(*fd), dir / "go.mod"));
    };
    auto data = read_limited(gomod, k_max_go_mod);
    go_1_24 = data && *data && declares_go_1_24(**data);
  }
  DirWalker walker(go_1_24);
  GPX_TRY(walker.walk(dir, ""));
  return std::move(walker.m_out);
}

} // namespace detail

File
memory_file(std::string path, std::string data)
{
  File f;
  f.path = std::move(path);
  f.size = data.size();
  auto shared = std::make_shared<const std::string>(std::move(data));
  f.open = [shared]() -> Result<std::unique_ptr<Reader>> {
    return std::unique_ptr<Reader>(std::make_unique<MemoryReader>(shared));
  };
  return f;
}

} // namespace gpx::gomod::zip
