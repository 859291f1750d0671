#include "posix.hpp"

#include <gomod/format.hpp>

#include <cstring>
#include <unistd.h>
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

} // namespace gpx::gomod
