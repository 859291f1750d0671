#include <agent/front.hpp>

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

using namespace gpx::agent;
using namespace std::chrono_literals;

namespace {

int
listen_loopback(int& port)
{
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(fd, 64) == 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  port = ntohs(addr.sin_port);
  return fd;
}

struct Client
{
  int fd = -1;
  explicit Client(int port)
  {
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr)
            == 0);
    timeval five{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &five, sizeof five);
  }
  ~Client()
  {
    ::close(fd);
  }
  void
  send(std::string_view s)
  {
    REQUIRE(::send(fd, s.data(), s.size(), MSG_NOSIGNAL)
            == static_cast<ssize_t>(s.size()));
  }
  // Reads until `until` has arrived, the peer closes or 5 s pass.
  std::string
  read_until(std::string_view until)
  {
    std::string got;
    char buf[4096];
    while (got.find(until) == std::string::npos) {
      auto n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) {
        break;
      }
      got.append(buf, static_cast<std::size_t>(n));
    }
    return got;
  }
  // True when the server closed (or reset) the connection within 5 s.
  bool
  closed_by_server()
  {
    char c;
    auto n = ::recv(fd, &c, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }
};

// A Front on its own thread, stopped at scope exit.
struct Running
{
  int port = 0;
  int fd;
  Front front;
  std::thread t;
  Running(FrontOptions o, FrontRoutes r)
    : fd(listen_loopback(port)),
      front(o, std::move(r))
  {
    t = std::thread([this] { CHECK(front.run(fd)); });
  }
  ~Running()
  {
    front.stop();
    t.join();
    ::close(fd);
  }
};

FrontRoutes
echo_routes()
{
  FrontRoutes r;
  r.quick = [](const RequestHead& h) -> std::optional<QuickReply> {
    if (h.path == "/quick") {
      return QuickReply{200, "quick\n", {}};
    }
    return std::nullopt;
  };
  r.serve = [](Exchange& ex) {
    ex.respond(200, "text/plain", "path=" + ex.request().path);
  };
  return r;
}

} // namespace

TEST_SUITE("agent")
{
  TEST_CASE("front: kept-alive and pipelined requests on one connection")
  {
    Running s({}, echo_routes());
    Client c(s.port);
    c.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
    auto first = c.read_until("path=/a");
    CHECK(first.starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(first.find("Content-Length: 7\r\n") != std::string::npos);
    CHECK(first.find("Connection: keep-alive") != std::string::npos);
    // Two at once: answered in order.
    c.send(
      "GET /b HTTP/1.1\r\nHost: x\r\n\r\nGET /quick HTTP/1.1\r\nHost: "
      "x\r\n\r\nGET /c HTTP/1.1\r\nHost: x\r\n\r\n");
    auto rest = c.read_until("path=/c");
    auto b = rest.find("path=/b"), q = rest.find("quick"),
         cc = rest.find("path=/c");
    CHECK(b != std::string::npos);
    CHECK(q > b);
    CHECK(cc > q);
    // "Connection: close" is honoured.
    c.send("GET /d HTTP/1.1\r\nConnection: close\r\n\r\n");
    CHECK(c.read_until("path=/d").find("Connection: close")
          != std::string::npos);
    CHECK(c.closed_by_server());
    CHECK(s.front.counters().accepted == 1);
  }

  TEST_CASE(
    "front: a head that does not arrive in time closes the connection, without "
    "a thread")
  {
    FrontOptions o;
    o.head_timeout = 300ms;
    std::atomic<int> served{0};
    auto routes = echo_routes();
    routes.serve = [&](Exchange& ex) {
      ++served;
      ex.respond(200, "text/plain", "x");
    };
    Running s(o, routes);
    Client silent(s.port);
    Client slow(s.port);
    slow.send("GET /a HTTP/1.1\r\n");
    std::this_thread::sleep_for(150ms);
    slow.send("X-1: 1\r\n");
    auto start = std::chrono::steady_clock::now();
    CHECK(silent.closed_by_server());
    CHECK(slow.closed_by_server());
    CHECK(std::chrono::steady_clock::now() - start < 2s);
    CHECK(served == 0);
    CHECK(s.front.counters().timed_out == 2);
    CHECK(s.front.counters().workers == 0);
  }

  TEST_CASE("front: heads past a cap are refused at once")
  {
    FrontOptions o;
    o.limits.max_head_bytes = 1024;
    Running s(o, echo_routes());
    Client c(s.port);
    c.send("GET / HTTP/1.1\r\nX: " + std::string(4000, 'a'));
    CHECK(c.read_until("\r\n\r\n").starts_with("HTTP/1.1 431 "));
    CHECK(s.front.counters().refused == 1);
  }

  TEST_CASE(
    "front: every worker busy and the queue full: 503 at once, quick answers "
    "still flow")
  {
    FrontOptions o;
    o.max_workers = 1;
    o.max_queued = 1;
    std::mutex mu;
    std::condition_variable cv;
    bool release = false;
    std::atomic<int> entered{0};
    FrontRoutes r = echo_routes();
    r.serve = [&](Exchange& ex) {
      ++entered;
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return release; });
      ex.respond(200, "text/plain", "done");
    };
    Running s(o, r);
    Client busy(s.port);
    busy.send("GET /1 HTTP/1.1\r\n\r\n");
    while (entered == 0) {
      std::this_thread::sleep_for(5ms);
    }
    Client queued(s.port);
    queued.send("GET /2 HTTP/1.1\r\n\r\n");
    std::this_thread::sleep_for(50ms);
    Client shed(s.port);
    shed.send("GET /3 HTTP/1.1\r\n\r\n");
    auto refused = shed.read_until("\r\n\r\n");
    CHECK(refused.starts_with("HTTP/1.1 503 "));
    CHECK(refused.find("Retry-After: 1") != std::string::npos);
    Client quick(s.port);
    quick.send("GET /quick HTTP/1.1\r\n\r\n");
    CHECK(quick.read_until("quick\n").find("quick\n") != std::string::npos);
    {
      std::lock_guard lock(mu);
      release = true;
    }
    cv.notify_all();
    CHECK(busy.read_until("done").find("done") != std::string::npos);
    CHECK(queued.read_until("done").find("done") != std::string::npos);
    CHECK(s.front.counters().shed == 1);
  }

  TEST_CASE(
    "front: at the connection cap the longest-idle connection makes room")
  {
    FrontOptions o;
    o.max_connections = 2;
    Running s(o, echo_routes());
    Client oldest(s.port);
    std::this_thread::sleep_for(50ms);
    Client second(s.port);
    std::this_thread::sleep_for(50ms);
    Client third(s.port);
    third.send("GET /t HTTP/1.1\r\n\r\n");
    CHECK(third.read_until("path=/t").find("path=/t") != std::string::npos);
    CHECK(oldest.closed_by_server());
    CHECK(s.front.counters().evicted == 1);
  }

  TEST_CASE(
    "front: chunked bodies, HEAD without a body, and an unfinished stream cut "
    "off")
  {
    FrontRoutes r = echo_routes();
    r.serve = [](Exchange& ex) {
      if (ex.request().path == "/len") {
        ex.respond_length(200, "application/zip", 12345);
        return;
      }
      ex.begin_chunked(200, "application/zip");
      ex.write_chunk("hello ");
      ex.write_chunk("world");
      if (ex.request().path == "/ok") {
        ex.end_chunked();
      }
    };
    Running s({}, r);
    Client c(s.port);
    c.send("GET /ok HTTP/1.1\r\n\r\n");
    auto ok = c.read_until("0\r\n\r\n");
    CHECK(ok.find("Transfer-Encoding: chunked") != std::string::npos);
    CHECK(ok.ends_with("\r\n\r\n6\r\nhello \r\n5\r\nworld\r\n0\r\n\r\n"));
    c.send("HEAD /len HTTP/1.1\r\n\r\n");
    auto len = c.read_until("\r\n\r\n");
    CHECK(len.find("Content-Length: 12345\r\n") != std::string::npos);
    c.send("HEAD /ok HTTP/1.1\r\n\r\n");
    auto head = c.read_until("\r\n\r\n");
    CHECK(head.starts_with("HTTP/1.1 200"));
    CHECK(head.ends_with("\r\n\r\n"));
    CHECK(c.closed_by_server()); // a HEAD without a length: no way to keep the
                                 // connection

    Client cut(s.port);
    cut.send("GET /cut HTTP/1.1\r\n\r\n");
    auto partial = cut.read_until("never");
    CHECK(partial.find("world\r\n") != std::string::npos);
    CHECK(partial.find("0\r\n\r\n") == std::string::npos);
  }

  TEST_CASE("front: worker threads start on demand")
  {
    Running s({}, echo_routes());
    CHECK(s.front.counters().workers == 0);
    Client c(s.port);
    c.send("GET /quick HTTP/1.1\r\n\r\n");
    c.read_until("quick\n");
    CHECK(s.front.counters().workers == 0);
    c.send("GET /w HTTP/1.1\r\n\r\n");
    c.read_until("path=/w");
    CHECK(s.front.counters().workers == 1);
  }
}
