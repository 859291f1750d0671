#include "posix.hpp"

#include <gomod/format.hpp>

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace gpx::gomod {

Fd::~Fd()
{
  reset();
}

Fd&
Fd::operator=(Fd&& other) noexcept
{
  if (this != &other) {
    reset();
    m_fd = other.release();
  }
  return *this;
}

int
Fd::release()
{
  return std::exchange(m_fd, -1);
}

void
Fd::reset()
{
  if (m_fd >= 0) {
    ::close(std::exchange(m_fd, -1));
  }
}

int
Fd::close()
{
  return ::close(release());
}

Error
io_error(std::string_view what, const std::filesystem::path& p, int err)
{
  return Error::io(format("{} {}: {}", what, p.string(), std::strerror(err)));
}

Status
write_all(int fd,
          std::string_view data,
          std::string_view what,
          const std::filesystem::path& p)
{
  while (!data.empty()) {
    const ssize_t w = ::write(fd, data.data(), data.size());
    if (w < 0) {
      if (errno == EINTR) {
        continue;
      }
      return io_error(what, p, errno);
    }
    data.remove_prefix(static_cast<std::size_t>(w));
  }
  return {};
}

} // namespace gpx::gomod
