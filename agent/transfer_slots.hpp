#pragma once

// How many upstream transfers may run at once, across every thread of the
// agent. Each transfer in flight holds a connection of its own (separate
// curl_easy_perform calls cannot share one, even over HTTP/2), so this is
// also the most upstream connections the agent keeps open: a prefetch with
// 8 jobs, or 64 busy workers, open no more than the budget. Requests beyond
// it wait for a transfer to end (every transfer ends: stall_timeout); the
// extra ranges of a split download take only slots that are free, and give
// them back between ranges while a request waits.

#include <condition_variable>
#include <mutex>

namespace gpx::agent {

class TransferSlots
{
public:
  explicit TransferSlots(int capacity)
    : m_free(capacity < 1 ? 1 : capacity),
      m_capacity(m_free)
  {
  }

  void
  acquire()
  {
    std::unique_lock lock(m_mutex);
    ++m_waiting;
    m_freed.wait(lock, [this] { return m_free > 0; });
    --m_waiting;
    --m_free;
  }

  bool
  try_acquire()
  {
    std::lock_guard lock(m_mutex);
    if (m_free == 0) {
      return false;
    }
    --m_free;
    return true;
  }

  void
  release()
  {
    {
      std::lock_guard lock(m_mutex);
      ++m_free;
    }
    m_freed.notify_one();
  }

  // How many acquire() calls wait: a split download hands its extra
  // connections back rather than keep a request waiting.
  int
  waiting()
  {
    std::lock_guard lock(m_mutex);
    return m_waiting;
  }

  int
  capacity() const
  {
    return m_capacity;
  }

private:
  std::mutex m_mutex;
  std::condition_variable m_freed;
  int m_free;
  int m_waiting = 0;
  const int m_capacity;
};

} // namespace gpx::agent
