#pragma once

// An exclusive, advisory lock on a file (flock), held for a process's life:
// one agent per cache dir. The holder's pid is written into the file so that
// a refused second agent can say who holds it. The kernel drops the lock
// when the holder dies, even by kill -9: no stale locks to clean up.

#include <gomod/result.hpp>

#include <filesystem>

namespace gpx::cache {

class ProcessLock
{
public:
  // Takes the lock at path without waiting; fails with the holder's pid
  // when another process has it.
  static Result<ProcessLock> acquire(const std::filesystem::path& path);

  ProcessLock(ProcessLock&& other) noexcept;
  ProcessLock& operator=(ProcessLock&& other) noexcept;
  ProcessLock(const ProcessLock&) = delete;
  ProcessLock& operator=(const ProcessLock&) = delete;
  ~ProcessLock();

private:
  explicit ProcessLock(int fd)
    : m_fd(fd)
  {
  }
  int m_fd = -1;
};

// The pid written in a lock file, or 0 when no live process holds it.
int lock_holder(const std::filesystem::path& path);

} // namespace gpx::cache
