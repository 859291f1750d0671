#pragma once

// The agent's front door: one event-loop thread accepts connections and
// reads request heads for all of them, under caps and deadlines; only a
// complete head reaches a worker thread. A connection that sends nothing,
// or a header line every few seconds, costs a buffer and a deadline, never
// a thread, so a local process (or a web page) holding thousands of
// connections cannot starve the go command. Workers are started on demand
// and end when idle; when every worker is busy and the queue is full the
// request is refused with 503 at once, so GOPROXY's "|" falls through
// rather than waiting.

#include "http_head.hpp"

#include <gomod/result.hpp>

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gpx::agent {

struct FrontOptions
{
  HeadLimits limits;
  // From a connection's first byte (or its accept) to a complete head.
  std::chrono::milliseconds head_timeout{10'000};
  // A kept-alive connection waiting for its next request.
  std::chrono::milliseconds idle_timeout{60'000};
  // One write to a client that makes no progress for this long ends it.
  std::chrono::milliseconds write_timeout{60'000};
  // Open connections at most; 0: from the process's descriptor limit.
  // At the cap, the connection idle the longest is closed to make room.
  std::size_t max_connections = 0;
  std::size_t max_workers = 64;
  // Complete requests waiting for a worker; beyond it, 503 at once.
  std::size_t max_queued = 256;
  // A worker with nothing to do for this long ends.
  std::chrono::milliseconds worker_idle{30'000};
};

// A short answer made on the event loop itself (door refusals, /healthz).
struct QuickReply
{
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> fields;
};

// One request on a worker thread, and the way to answer it. Each answer
// method writes the status line and fields, then the body (none for HEAD);
// false means the client is gone or too slow, and the connection will be
// closed.
class Exchange
{
public:
  Exchange(int fd, const RequestHead& head);
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  const RequestHead&
  request() const
  {
    return m_head;
  }
  // The local user whose process sent the request (loopback TCP only);
  // nullopt when the kernel does not say.
  std::optional<uid_t> peer_uid() const;

  // A response field (replacing one of the same name), sent with the answer.
  void set_field(std::string name, std::string value);
  bool
  respond(int status, std::string_view content_type, std::string_view body);
  // size bytes of fd from its start; for HEAD only the length is sent.
  bool respond_file(int status,
                    std::string_view content_type,
                    int fd,
                    std::int64_t size);
  // HEAD: the length a GET would send (-1: unknown), no body.
  bool respond_length(int status,
                      std::string_view content_type,
                      std::int64_t length);
  // A body of unknown length, sent in chunks; end_chunked() completes it.
  // A response left unfinished is cut off (the client sees an error).
  bool begin_chunked(int status, std::string_view content_type);
  bool write_chunk(std::string_view data);
  bool end_chunked();

  // Whether the connection can carry another request after this answer.
  bool
  reusable() const
  {
    return m_keep_alive && m_complete && !m_failed;
  }
  void
  set_write_timeout(std::chrono::milliseconds t)
  {
    m_write_timeout = t;
  }

private:
  bool send_head(int status,
                 std::string_view content_type,
                 std::int64_t length,
                 bool chunked);
  bool write_all(std::string_view data);

  int m_fd;
  const RequestHead& m_head;
  std::vector<std::pair<std::string, std::string>> m_fields;
  bool m_keep_alive;
  bool m_head_sent = false;
  bool m_complete = false;
  bool m_failed = false;
  std::chrono::milliseconds m_write_timeout{60'000};
};

struct FrontRoutes
{
  // On the event loop, for every complete head: an answer sent at once, or
  // nullopt to hand the request to a worker. Must not block.
  std::function<std::optional<QuickReply>(const RequestHead&)> quick;
  // On a worker thread.
  std::function<void(Exchange&)> serve;
};

struct FrontCounters
{
  std::uint64_t accepted = 0;
  std::uint64_t open = 0;
  std::uint64_t timed_out = 0; // heads not complete in time, idle keep-alives
  std::uint64_t evicted = 0;   // closed to make room at the connection cap
  std::uint64_t refused = 0;   // heads past a cap or malformed
  std::uint64_t shed = 0;      // 503: every worker busy and the queue full
  std::uint64_t workers = 0;
};

class Front
{
public:
  Front(FrontOptions options, FrontRoutes routes);
  ~Front();
  Front(const Front&) = delete;
  Front& operator=(const Front&) = delete;

  // Serves the listening socket until stop(); the socket stays the caller's.
  Status run(int listen_fd);
  // Any thread, before or during run().
  void stop();
  FrontCounters counters() const;

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// The HTTP reason phrase for the statuses the agent sends.
std::string_view reason_phrase(int status);

} // namespace gpx::agent
