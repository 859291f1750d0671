#include "front.hpp"

#include "peer_uid.hpp"

#include <cache/log.hpp>
#include <gomod/format.hpp>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace gpx::agent {

using Clock = std::chrono::steady_clock;

std::string_view
reason_phrase(int status)
{
  switch (status) {
  case 200:
    return "OK";
  case 206:
    return "Partial Content";
  case 304:
    return "Not Modified";
  case 400:
    return "Bad Request";
  case 403:
    return "Forbidden";
  case 404:
    return "Not Found";
  case 405:
    return "Method Not Allowed";
  case 408:
    return "Request Timeout";
  case 410:
    return "Gone";
  case 413:
    return "Content Too Large";
  case 414:
    return "URI Too Long";
  case 429:
    return "Too Many Requests";
  case 431:
    return "Request Header Fields Too Large";
  case 500:
    return "Internal Server Error";
  case 502:
    return "Bad Gateway";
  case 503:
    return "Service Unavailable";
  case 504:
    return "Gateway Timeout";
  case 505:
    return "HTTP Version Not Supported";
  default:
    return "Status";
  }
}

namespace {

std::string
status_line_and_fields(
  int status,
  std::string_view content_type,
  std::int64_t length,
  bool chunked,
  bool keep_alive,
  const std::vector<std::pair<std::string, std::string>>& fields)
{
  auto out = format("HTTP/1.1 {} {}\r\n", status, reason_phrase(status));
  if (!content_type.empty()) {
    out += format("Content-Type: {}\r\n", content_type);
  }
  if (chunked) {
    out += "Transfer-Encoding: chunked\r\n";
  } else if (length >= 0) {
    out += format("Content-Length: {}\r\n", length);
  }
  for (const auto& [k, v] : fields) {
    out += format("{}: {}\r\n", k, v);
  }
  out +=
    keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  return out;
}

// EAGAIN and EWOULDBLOCK are one value on Linux, not everywhere.
bool
is_would_block(int err)
{
#if EAGAIN == EWOULDBLOCK
  return err == EAGAIN;
#else
  return err == EAGAIN || err == EWOULDBLOCK;
#endif
}

// Waits until fd is writable; false on timeout or a dead connection.
bool
wait_writable(int fd, std::chrono::milliseconds timeout)
{
  pollfd p{fd, POLLOUT, 0};
  int n;
  do {
    n = ::poll(&p, 1, static_cast<int>(timeout.count()));
  } while (n < 0 && errno == EINTR);
  return n > 0 && (p.revents & (POLLERR | POLLHUP | POLLNVAL)) == 0;
}

// The caps the process's descriptor limit allows: it is raised to its hard
// limit first (a default soft limit of 1,024 would cap the door below what
// an attacker can open), and a reserve is kept for cache files, upstream
// connections and git.
std::size_t
connection_cap()
{
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    rlimit raised = lim;
    raised.rlim_cur = std::min<rlim_t>(lim.rlim_max, 65536);
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) {
      lim = raised;
    }
  }
  constexpr rlim_t reserve = 256;
  if (lim.rlim_cur == RLIM_INFINITY || lim.rlim_cur > 16384 + reserve) {
    return 16384;
  }
  return lim.rlim_cur > reserve * 2
           ? static_cast<std::size_t>(lim.rlim_cur - reserve)
           : static_cast<std::size_t>(lim.rlim_cur / 2);
}

// Best effort, never blocking: a client that does not read a refusal just
// loses it.
void
send_quick(int fd, const QuickReply& reply, bool keep_alive, bool head_only)
{
  auto text =
    status_line_and_fields(reply.status,
                           "text/plain; charset=utf-8",
                           static_cast<std::int64_t>(reply.body.size()),
                           false,
                           keep_alive,
                           reply.fields);
  if (!head_only) {
    text += reply.body;
  }
  (void)::send(fd, text.data(), text.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

void
close_hard(int fd)
{
  // A reset rather than an orderly close: the client learns at once.
  linger l{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  ::close(fd);
}

} // namespace

// ---------------------------------------------------------------- Exchange

Exchange::Exchange(int fd, const RequestHead& head)
  : m_fd(fd),
    m_head(head),
    m_keep_alive(head.keep_alive && !head.has_body)
{
}

std::optional<uid_t>
Exchange::peer_uid() const
{
  return tcp_peer_uid(m_fd);
}

void
Exchange::set_field(std::string name, std::string value)
{
  for (auto& [k, v] : m_fields) {
    if (k == name) {
      v = std::move(value);
      return;
    }
  }
  m_fields.emplace_back(std::move(name), std::move(value));
}

bool
Exchange::write_all(std::string_view data)
{
  while (!data.empty() && !m_failed) {
    auto n = ::send(m_fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && is_would_block(errno)) {
      m_failed = !wait_writable(m_fd, m_write_timeout);
    } else {
      m_failed = true;
    }
  }
  return !m_failed;
}

bool
Exchange::send_head(int status,
                    std::string_view content_type,
                    std::int64_t length,
                    bool chunked)
{
  m_head_sent = true;
  return write_all(status_line_and_fields(
    status, content_type, length, chunked, m_keep_alive, m_fields));
}

bool
Exchange::respond(int status,
                  std::string_view content_type,
                  std::string_view body)
{
  auto text = status_line_and_fields(status,
                                     content_type,
                                     static_cast<std::int64_t>(body.size()),
                                     false,
                                     m_keep_alive,
                                     m_fields);
  m_head_sent = true;
  // One write for head and body: small answers are most answers.
  if (m_head.method != "HEAD") {
    text += body;
  }
  m_complete = write_all(text);
  return m_complete;
}

bool
Exchange::respond_length(int status,
                         std::string_view content_type,
                         std::int64_t length)
{
  if (!m_keep_alive || length >= 0) {
    m_complete = send_head(status, content_type, length, false);
  } else {
    // Without a length a HEAD answer cannot tell the client where it ends
    // on a kept-alive connection.
    m_keep_alive = false;
    m_complete = send_head(status, content_type, -1, false);
  }
  return m_complete;
}

bool
Exchange::respond_file(int status,
                       std::string_view content_type,
                       int fd,
                       std::int64_t size)
{
  if (!send_head(status, content_type, size, false)) {
    return false;
  }
  if (m_head.method == "HEAD") {
    m_complete = true;
    return true;
  }
  off_t offset = 0;
  while (offset < size && !m_failed) {
    auto want =
      static_cast<std::size_t>(std::min<std::int64_t>(size - offset, 1 << 20));
    auto n = ::sendfile(m_fd, fd, &offset, want);
    if (n > 0) {
      continue;
    }
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0 && is_would_block(errno)) {
      m_failed = !wait_writable(m_fd, m_write_timeout);
      continue;
    }
    m_failed = true; // the file shrank (n == 0) or the client is gone
  }
  m_complete = !m_failed;
  return m_complete;
}

bool
Exchange::begin_chunked(int status, std::string_view content_type)
{
  if (m_head.method == "HEAD") {
    return respond_length(status, content_type, -1);
  }
  return send_head(status, content_type, -1, true);
}

bool
Exchange::write_chunk(std::string_view data)
{
  if (m_head.method == "HEAD" || data.empty()) {
    return !m_failed;
  }
  return write_all(format("{:x}\r\n", data.size())) && write_all(data)
         && write_all("\r\n");
}

bool
Exchange::end_chunked()
{
  if (m_head.method == "HEAD") {
    return !m_failed;
  }
  m_complete = write_all("0\r\n\r\n");
  return m_complete;
}

// ------------------------------------------------------------------- Front

namespace {

struct Conn
{
  int fd = -1;
  std::string buf;            // read, not yet consumed
  Clock::time_point deadline; // for the head being read, or the idle wait
  std::uint64_t order = 0;    // key in Impl::waiting while not busy
  bool busy = false;          // a worker owns it
};

struct Job
{
  Conn* conn;
  RequestHead head;
};

struct Returned
{
  int fd;
  bool reuse;
};

} // namespace

struct Front::Impl
{
  FrontOptions options;
  FrontRoutes routes;
  int epoll_fd = -1;
  int wake_fd = -1;
  int listen_fd = -1;
  std::atomic<bool> stopping{false};

  // Loop thread only.
  std::unordered_map<int, std::unique_ptr<Conn>> conns;
  std::map<std::uint64_t, Conn*> waiting; // not busy, oldest first
  std::uint64_t next_order = 0;
  std::size_t max_connections = 0;

  std::mutex mu; // guards what follows
  std::condition_variable work_cv;
  std::condition_variable idle_cv;
  std::deque<Job> queue;
  std::vector<Returned> returned;
  std::size_t workers = 0;
  std::size_t idle_workers = 0;
  FrontCounters counters;

  void
  wake()
  {
    std::uint64_t one = 1;
    (void)!::write(wake_fd, &one, sizeof one);
  }

  void
  watch(Conn& c, Clock::duration timeout)
  {
    c.deadline = Clock::now() + timeout;
    c.order = next_order++;
    waiting.emplace(c.order, &c);
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.fd = c.fd;
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, c.fd, &ev);
  }

  void
  close_conn(int fd, bool hard)
  {
    auto it = conns.find(fd);
    if (it == conns.end()) {
      return;
    }
    if (!it->second->busy) {
      waiting.erase(it->second->order);
      epoll_ctl(epoll_fd, EPOLL_CTL_DEL, fd, nullptr);
    }
    conns.erase(it);
    if (hard) {
      close_hard(fd);
    } else {
      ::close(fd);
    }
    std::lock_guard lock(mu);
    --counters.open;
  }

  void
  accept_all()
  {
    while (true) {
      int fd =
        ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) {
          continue;
        }
        if (errno == EMFILE || errno == ENFILE) {
          // Out of descriptors: free the longest-idle connection, or the
          // pending one stays in the backlog and accept would spin.
          if (!evict_oldest()) {
            GPX_LOG(warn, "out of file descriptors with every connection busy");
            return;
          }
          continue;
        }
        return; // EAGAIN: nothing more to accept
      }
      if (conns.size() >= max_connections && !evict_oldest()) {
        {
          std::lock_guard lock(mu);
          ++counters.shed;
        }
        close_hard(fd);
        continue;
      }
      int yes = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
      auto c = std::make_unique<Conn>();
      c->fd = fd;
      auto& ref = *c;
      conns.emplace(fd, std::move(c));
      watch(ref, options.head_timeout);
      std::lock_guard lock(mu);
      ++counters.accepted;
      ++counters.open;
    }
  }

  bool
  evict_oldest()
  {
    if (waiting.empty()) {
      return false;
    }
    {
      std::lock_guard lock(mu);
      ++counters.evicted;
    }
    close_conn(waiting.begin()->second->fd, true);
    return true;
  }

  void
  expire()
  {
    auto now = Clock::now();
    std::vector<int> late;
    for (const auto& [order, c] : waiting) {
      if (c->deadline <= now) {
        late.push_back(c->fd);
      }
    }
    if (!late.empty()) {
      std::lock_guard lock(mu);
      counters.timed_out += late.size();
    }
    for (int fd : late) {
      close_conn(fd, true);
    }
  }

  void
  on_readable(Conn& c)
  {
    bool had_bytes = !c.buf.empty();
    // Read no more than a refusal needs to see: a flood stays in the
    // kernel's buffer, not ours.
    auto cap = options.limits.max_head_bytes + 16;
    bool eof = false;
    while (c.buf.size() < cap) {
      char tmp[16 * 1024];
      auto want = std::min(sizeof tmp, cap - c.buf.size());
      auto n = ::recv(c.fd, tmp, want, 0);
      if (n > 0) {
        c.buf.append(tmp, static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) {
        continue;
      }
      eof = n == 0 || (!is_would_block(errno));
      break;
    }
    if (!had_bytes && !c.buf.empty()) {
      // A head has begun: it must end within head_timeout, however slowly
      // its bytes trickle in.
      c.deadline = Clock::now() + options.head_timeout;
    }
    process(c, eof);
  }

  // Answers what complete heads c's buffer holds; closes c when done.
  void
  process(Conn& c, bool eof)
  {
    while (true) {
      auto parsed = parse_request_head(c.buf, options.limits);
      if (parsed.state == HeadParse::State::incomplete) {
        if (eof) {
          close_conn(c.fd, false);
        }
        return;
      }
      if (parsed.state == HeadParse::State::refused) {
        {
          // Counted before the client can see the answer.
          std::lock_guard lock(mu);
          ++counters.refused;
        }
        send_quick(c.fd,
                   QuickReply{parsed.status, parsed.reason + "\n", {}},
                   false,
                   false);
        close_conn(c.fd, true);
        return;
      }
      c.buf.erase(0, parsed.head_size);
      auto& head = parsed.head;
      if (auto quick = routes.quick(head)) {
        bool keep = head.keep_alive && !head.has_body && !stopping;
        send_quick(c.fd, *quick, keep, head.method == "HEAD");
        if (!keep) {
          close_conn(c.fd, true);
          return;
        }
        continue;
      }
      dispatch(c, std::move(head));
      return;
    }
  }

  void
  dispatch(Conn& c, RequestHead head)
  {
    std::unique_lock lock(mu);
    if (queue.size() >= options.max_queued) {
      ++counters.shed;
      lock.unlock();
      send_quick(
        c.fd,
        QuickReply{503,
                   "the agent is overloaded: every worker is busy; retry\n",
                   {{"Retry-After", "1"}}},
        false,
        false);
      close_conn(c.fd, true);
      return;
    }
    waiting.erase(c.order);
    epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c.fd, nullptr);
    c.busy = true;
    queue.push_back(Job{&c, std::move(head)});
    if (idle_workers == 0 && workers < options.max_workers) {
      ++workers;
      ++counters.workers;
      std::thread([this] { work(); }).detach();
    } else {
      work_cv.notify_one();
    }
  }

  // A worker: takes requests until idle for worker_idle, or stopping.
  void
  work()
  {
    std::unique_lock lock(mu);
    while (true) {
      ++idle_workers;
      bool got = work_cv.wait_for(
        lock, options.worker_idle, [&] { return !queue.empty() || stopping; });
      --idle_workers;
      if (!got || queue.empty()) {
        break;
      }
      auto job = std::move(queue.front());
      queue.pop_front();
      lock.unlock();
      bool reuse = false;
      {
        Exchange ex(job.conn->fd, job.head);
        ex.set_write_timeout(options.write_timeout);
        try {
          routes.serve(ex);
        } catch (const std::exception& e) {
          GPX_LOG(
            error, "request path={:?} failed: {}", job.head.path, e.what());
          if (!ex.reusable()) {
            ex.respond(500,
                       "text/plain; charset=utf-8",
                       "internal error; see the agent's log\n");
          }
        }
        reuse = ex.reusable() && !stopping;
      }
      lock.lock();
      returned.push_back(Returned{job.conn->fd, reuse});
      wake();
    }
    --workers;
    --counters.workers;
    idle_cv.notify_all();
  }

  void
  take_back()
  {
    std::vector<Returned> back;
    {
      std::lock_guard lock(mu);
      back.swap(returned);
    }
    for (const auto& r : back) {
      auto it = conns.find(r.fd);
      if (it == conns.end()) {
        continue;
      }
      auto& c = *it->second;
      if (!r.reuse) {
        close_conn(r.fd, false); // still busy: in neither epoll nor waiting
        continue;
      }
      c.busy = false;
      watch(c, c.buf.empty() ? options.idle_timeout : options.head_timeout);
      if (!c.buf.empty()) {
        process(c, false); // a pipelined request already buffered
      }
    }
  }
};

Front::Front(FrontOptions options, FrontRoutes routes)
  : m_impl(std::make_unique<Impl>())
{
  m_impl->options = std::move(options);
  m_impl->routes = std::move(routes);
  m_impl->wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

Front::~Front()
{
  stop();
  std::unique_lock lock(m_impl->mu);
  m_impl->work_cv.notify_all();
  m_impl->idle_cv.wait(lock, [&] { return m_impl->workers == 0; });
  lock.unlock();
  if (m_impl->wake_fd >= 0) {
    ::close(m_impl->wake_fd);
  }
}

void
Front::stop()
{
  m_impl->stopping = true;
  m_impl->wake();
}

FrontCounters
Front::counters() const
{
  std::lock_guard lock(m_impl->mu);
  return m_impl->counters;
}

Status
Front::run(int listen_fd)
{
  auto& im = *m_impl;
  im.listen_fd = listen_fd;
  im.max_connections = im.options.max_connections != 0
                         ? im.options.max_connections
                         : connection_cap();
  int flags = fcntl(listen_fd, F_GETFL);
  fcntl(listen_fd, F_SETFL, flags | O_NONBLOCK);
  im.epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (im.epoll_fd < 0 || im.wake_fd < 0) {
    return Error::io(
      format("cannot set up the event loop: {}", std::strerror(errno)));
  }
  for (int fd : {listen_fd, im.wake_fd}) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    epoll_ctl(im.epoll_fd, EPOLL_CTL_ADD, fd, &ev);
  }
  auto next_sweep = Clock::now();
  std::vector<epoll_event> events(256);
  while (!im.stopping) {
    int n = ::epoll_wait(
      im.epoll_fd, events.data(), static_cast<int>(events.size()), 250);
    if (n < 0 && errno != EINTR) {
      return Error::io(format("event loop: {}", std::strerror(errno)));
    }
    for (int i = 0; i < n; ++i) {
      int fd = events[static_cast<std::size_t>(i)].data.fd;
      if (fd == listen_fd) {
        im.accept_all();
      } else if (fd == im.wake_fd) {
        std::uint64_t v;
        (void)!::read(im.wake_fd, &v, sizeof v);
        im.take_back();
      } else if (auto it = im.conns.find(fd);
                 it != im.conns.end() && !it->second->busy) {
        im.on_readable(*it->second);
      }
    }
    if (Clock::now() >= next_sweep) {
      im.expire();
      next_sweep = Clock::now() + std::chrono::milliseconds(250);
    }
  }
  // Requests in progress finish (their writes are bounded); waiting
  // connections close now.
  std::vector<int> idle;
  for (const auto& [fd, c] : im.conns) {
    if (!c->busy) {
      idle.push_back(fd);
    }
  }
  for (int fd : idle) {
    im.close_conn(fd, false);
  }
  {
    std::unique_lock lock(im.mu);
    im.work_cv.notify_all();
    im.idle_cv.wait(lock, [&] { return im.workers == 0; });
  }
  im.take_back();
  ::close(im.epoll_fd);
  im.epoll_fd = -1;
  return {};
}

} // namespace gpx::agent
