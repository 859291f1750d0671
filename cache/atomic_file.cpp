#include "atomic_file.hpp"

#include <gomod/format.hpp>

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace gpx::cache {

using gomod::Fd;
using gomod::io_error;

AtomicFile::AtomicFile(Fd fd, fs::path tmp_path)
  : m_fd(std::move(fd)),
    m_tmp_path(std::move(tmp_path))
{
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
  : m_fd(std::move(other.m_fd)),
    m_tmp_path(std::move(other.m_tmp_path)),
    m_done(other.m_done)
{
  other.m_done = true;
}

AtomicFile::~AtomicFile()
{
  if (!m_done && !m_tmp_path.empty()) {
    ::unlink(m_tmp_path.c_str());
  }
}

Result<AtomicFile>
AtomicFile::create(const fs::path& tmp_dir)
{
  std::error_code ec;
  fs::create_directories(tmp_dir, ec);
  if (ec) {
    return io_error("cannot create directory", tmp_dir, ec.value());
  }
  std::string tmpl = (tmp_dir / "gpx.XXXXXX").string();
  Fd fd(::mkostemp(tmpl.data(), O_CLOEXEC));
  if (!fd) {
    return io_error("cannot create temporary file in", tmp_dir, errno);
  }
  return AtomicFile(std::move(fd), tmpl);
}

Status
AtomicFile::write(std::string_view data)
{
  // ENOSPC fails here: the caller drops the temporary, the cache is intact.
  return gomod::write_all(m_fd.get(), data, "cannot write", m_tmp_path);
}

namespace {

// The process's umask, read without changing it (umask(2) would, for every
// thread at once): Linux shows it in /proc/self/status.
mode_t
current_umask()
{
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("Umask:")) {
      return static_cast<mode_t>(std::stoul(line.substr(6), nullptr, 8));
    }
  }
  return 022;
}

} // namespace

Status
AtomicFile::commit(const fs::path& dest, std::optional<unsigned> mode)
{
  if (::fsync(m_fd.get()) != 0) {
    return io_error("cannot fsync", m_tmp_path, errno);
  }
  if (!mode) {
    struct stat st
    {
    };
    mode = ::stat(dest.c_str(), &st) == 0 ? (st.st_mode & 07777)
                                          : (0666 & ~current_umask());
  }
  if (::fchmod(m_fd.get(), static_cast<mode_t>(*mode)) != 0) {
    return io_error("cannot set the mode of", m_tmp_path, errno);
  }
  if (m_fd.close() != 0) {
    return io_error("cannot close", m_tmp_path, errno);
  }
  std::error_code ec;
  fs::create_directories(dest.parent_path(), ec);
  if (ec) {
    return io_error("cannot create directory", dest.parent_path(), ec.value());
  }
  if (::rename(m_tmp_path.c_str(), dest.c_str()) != 0) {
    return io_error("cannot rename into", dest, errno);
  }
  m_done = true;
  return fsync_dir(dest.parent_path());
}

Status
write_file_atomic(const fs::path& dest, std::string_view data)
{
  auto parent = dest.parent_path().empty() ? fs::path(".") : dest.parent_path();
  auto f = AtomicFile::create(parent);
  if (!f) {
    return f.error();
  }
  GPX_TRY(f->write(data));
  return f->commit(dest);
}

Status
write_file_atomic(const fs::path& dest, std::string_view data, unsigned mode)
{
  auto parent = dest.parent_path().empty() ? fs::path(".") : dest.parent_path();
  auto f = AtomicFile::create(parent);
  if (!f) {
    return f.error();
  }
  GPX_TRY(f->write(data));
  return f->commit(dest, mode);
}

Status
make_private_dir(const fs::path& dir)
{
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    return io_error("cannot create directory", dir, ec.value());
  }
  if (::chmod(dir.c_str(), 0700) != 0) {
    return io_error("cannot make private", dir, errno);
  }
  return {};
}

Status
write_private_file(const fs::path& dest, std::string_view data)
{
  GPX_TRY(make_private_dir(dest.parent_path().empty() ? fs::path(".")
                                                      : dest.parent_path()));
  return write_file_atomic(dest, data, 0600);
}

Status
fsync_dir(const fs::path& dir)
{
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) {
    return io_error("cannot open directory", dir, errno);
  }
  if (::fsync(fd.get()) != 0) {
    return io_error("cannot fsync directory", dir, errno);
  }
  return {};
}

Result<std::string>
read_small_file(const fs::path& p)
{
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    return Error::io(format("cannot read {}", p.string()));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    return Error::io(format("cannot read {}", p.string()));
  }
  return ss.str();
}

} // namespace gpx::cache
