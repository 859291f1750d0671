#include "in_flight.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace gpx::agent {

InFlight::InFlight(const std::filesystem::path& tmp)
  : m_fd(::open(tmp.c_str(), O_RDONLY | O_CLOEXEC))
{
}

InFlight::~InFlight()
{
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

void
InFlight::wrote(std::int64_t total)
{
  {
    std::lock_guard lock(m_mutex);
    m_available = total;
  }
  m_cv.notify_all();
}

void
InFlight::finish(bool ok, Reply error)
{
  {
    std::lock_guard lock(m_mutex);
    if (m_done) {
      return; // the first end stands
    }
    m_done = true;
    m_ok = ok && m_fd >= 0;
    m_error = std::move(error);
  }
  m_cv.notify_all();
}

InFlight::State
InFlight::wait_beyond(std::int64_t offset, std::chrono::milliseconds max_wait)
{
  std::unique_lock lock(m_mutex);
  m_cv.wait_for(lock, max_wait, [&] { return m_available > offset || m_done; });
  return State{m_available, m_done, m_ok};
}

Reply
InFlight::error_reply()
{
  std::lock_guard lock(m_mutex);
  return m_error;
}

long
InFlight::read_at(char* buf, std::size_t len, std::int64_t offset) const
{
  if (m_fd < 0) {
    return -1;
  }
  return static_cast<long>(::pread(m_fd, buf, len, static_cast<off_t>(offset)));
}

} // namespace gpx::agent
