#pragma once

// POSIX file descriptors and errno as the rest of gpx wants them: an owning
// handle, and errors that name the call and the file.

#include <gomod/result.hpp>

#include <filesystem>
#include <string_view>

namespace gpx::gomod {

// A move-only file descriptor (as ccache's Fd), closed when it goes.
class Fd
{
public:
  Fd() = default;
  explicit Fd(int fd)
    : m_fd(fd)
  {
  }
  ~Fd();
  Fd(Fd&& other) noexcept
    : m_fd(other.release())
  {
  }
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  int
  get() const
  {
    return m_fd;
  }
  explicit operator bool() const
  {
    return m_fd >= 0;
  }
  // Gives up ownership: the caller closes the result.
  int release();
  // Closes now, ignoring close(2)'s result (for a file being abandoned).
  void reset();
  // close(2) can report a failed write-back, which a writer must see; the
  // destructor can't return it.
  int close();

private:
  int m_fd = -1;
};

// An io error "WHAT PATH: strerror(err)", e.g. "open /x/go.mod: No such file
// or directory".
Error io_error(std::string_view what, const std::filesystem::path& p, int err);

// Writes all of data to fd, past short writes and EINTR; an error is
// io_error(what, p, errno), p naming the file fd writes.
Status write_all(int fd,
                 std::string_view data,
                 std::string_view what,
                 const std::filesystem::path& p);

} // namespace gpx::gomod
