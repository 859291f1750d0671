#include "lock.hpp"

#include <gomod/format.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace gpx::cache {

namespace {

int
read_pid(int fd)
{
  char buf[32] = {};
  auto n = pread(fd, buf, sizeof buf - 1, 0);
  return n > 0 ? std::atoi(buf) : 0;
}

} // namespace

Result<ProcessLock>
ProcessLock::acquire(const std::filesystem::path& path)
{
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Error::io(
      format("cannot open {}: {}", path.string(), std::strerror(errno)));
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int holder = read_pid(fd);
    close(fd);
    return Error::io(format(
      "another gpx agent (pid {}) is already using this cache dir (lock {})",
      holder,
      path.string()));
  }
  auto pid = std::to_string(getpid()) + "\n";
  if (ftruncate(fd, 0) != 0
      || pwrite(fd, pid.data(), pid.size(), 0)
           != static_cast<ssize_t>(pid.size())) {
    // The lock itself holds; only the courtesy pid is missing.
  }
  return ProcessLock(fd);
}

ProcessLock::ProcessLock(ProcessLock&& other) noexcept
  : m_fd(other.m_fd)
{
  other.m_fd = -1;
}

ProcessLock&
ProcessLock::operator=(ProcessLock&& other) noexcept
{
  if (this != &other) {
    if (m_fd >= 0) {
      close(m_fd);
    }
    m_fd = other.m_fd;
    other.m_fd = -1;
  }
  return *this;
}

ProcessLock::~ProcessLock()
{
  if (m_fd >= 0) {
    close(m_fd);
  }
}

int
lock_holder(const std::filesystem::path& path)
{
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return 0;
  }
  int holder = 0;
  if (flock(fd, LOCK_SH | LOCK_NB) != 0) {
    holder = read_pid(fd);
  } else {
    flock(fd, LOCK_UN);
  }
  close(fd);
  return holder;
}

} // namespace gpx::cache
