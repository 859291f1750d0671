#include "prefetch_report.hpp"

#include "settings.hpp"

#include <gomod/format.hpp>

namespace gpx::cli {

void
Progress::show(std::string_view line)
{
  if (m_mode == ProgressMode::terminal) {
    // Back to the line's start and erase it: the status line is rewritten.
    m_out << "\r\x1b[Kgpx prefetch: " << line << std::flush;
    m_status_shown = true;
  } else if (m_mode == ProgressMode::plain) {
    m_out << "gpx prefetch: " << line << "\n" << std::flush;
  }
}

void
Progress::phase(std::string_view what)
{
  std::lock_guard lock(m_mutex);
  show(what);
}

void
Progress::start_steps(int total)
{
  std::lock_guard lock(m_mutex);
  m_done = 0;
  m_total = total;
}

void
Progress::step(std::string_view what)
{
  std::lock_guard lock(m_mutex);
  ++m_done;
  show(format("[{}/{}] {}", m_done, m_total, what));
}

void
Progress::note(std::string_view line)
{
  std::lock_guard lock(m_mutex);
  if (m_mode == ProgressMode::quiet) {
    return;
  }
  if (m_status_shown) {
    m_out << "\r\x1b[K";
    m_status_shown = false;
  }
  m_out << "gpx prefetch: " << line << "\n" << std::flush;
}

void
Progress::finish()
{
  std::lock_guard lock(m_mutex);
  if (m_status_shown) {
    m_out << "\r\x1b[K" << std::flush;
    m_status_shown = false;
  }
}

std::string
count_of(std::int64_t n, std::string_view one, std::string_view many)
{
  return format("{} {}", n, n == 1 ? one : many);
}

std::string
summary_line(const Summary& s)
{
  auto line =
    format("gpx prefetch: {} ({}, {}): {} already cached, {} fetched",
           count_of(s.module_versions, "module version", "module versions"),
           count_of(s.zips, "zip", "zips"),
           human_size(s.bytes),
           s.already_cached,
           s.fetched);
  if (s.failed > 0) {
    line += format(", {} failed", s.failed);
  }
  return line + format(" in {:.1f}s", s.seconds);
}

} // namespace gpx::cli
