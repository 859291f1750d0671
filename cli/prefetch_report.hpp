#pragma once

// What gpx prefetch tells its user while it works and when it is done. On
// a terminal each phase and step rewrites one status line; piped, each is a
// plain line; with --json nothing but the summary object is printed.

#include <cstdint>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>

namespace gpx::cli {

enum class ProgressMode { terminal, plain, quiet };

class Progress
{
public:
  Progress(ProgressMode mode, std::ostream& out)
    : m_mode(mode),
      m_out(out)
  {
  }

  ProgressMode
  mode() const
  {
    return m_mode;
  }
  // "resolving the graph: 12 modules"; any thread.
  void phase(std::string_view what);
  // Starts counting steps towards total.
  void start_steps(int total);
  // One step done: "[n/total] what"; any thread.
  void step(std::string_view what);
  // A line that stays (a warning), clearing the status line first.
  void note(std::string_view line);
  // Clears the status line before the summary.
  void finish();

private:
  void show(std::string_view line);

  ProgressMode m_mode;
  std::ostream& m_out;
  std::mutex m_mutex;
  int m_done = 0;
  int m_total = 0;
  bool m_status_shown = false;
};

struct Summary
{
  int module_versions = 0;
  int zips = 0;
  std::int64_t bytes = 0;
  int already_cached = 0;
  int fetched = 0;
  int failed = 0;
  double seconds = 0;
};

// "1 module version" / "2 module versions".
std::string
count_of(std::int64_t n, std::string_view one, std::string_view many);

// "gpx prefetch: 4 module versions (4 zips, 8.5 KiB): 1 already cached, 3
// fetched in 0.2s".
std::string summary_line(const Summary& s);

} // namespace gpx::cli
