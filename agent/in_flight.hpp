#pragma once

// A download in progress that clients read while it is written: the bytes
// land in a temporary file (cache/Writer), readers follow its growing size
// and read with pread from one descriptor opened when it began (so a rename
// on commit or an unlink on failure never disturbs them). The end says
// whether the file passed its checks; a reader that has sent everything
// then completes its answer, or aborts it so the client keeps nothing.

#include <agent/reply.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>

namespace gpx::agent {

class InFlight
{
public:
  // Opens tmp for reading; throws nothing: a failed open shows as a failed
  // transfer to readers.
  explicit InFlight(const std::filesystem::path& tmp);
  ~InFlight();
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

  // Writer side: total bytes written so far, then the end once.
  void wrote(std::int64_t total);
  // ok: the file passed its checks. Otherwise the reply the client would
  // have had, had nothing been sent yet. Only the first call counts.
  void finish(bool ok, Reply error = {});

  struct State
  {
    std::int64_t available = 0;
    bool done = false;
    bool ok = false;
  };
  // Waits until more than offset bytes are there, or the end, or max_wait.
  State wait_beyond(std::int64_t offset, std::chrono::milliseconds max_wait);
  // The reply for a transfer that ended before any byte arrived.
  Reply error_reply();

  // Reads up to len bytes at offset into buf; -1 on error.
  long read_at(char* buf, std::size_t len, std::int64_t offset) const;

private:
  int m_fd = -1;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::int64_t m_available = 0;
  bool m_done = false;
  bool m_ok = false;
  Reply m_error;
};

} // namespace gpx::agent
