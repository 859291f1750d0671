#include "server.hpp"

#include "front.hpp"
#include "in_flight.hpp"
#include "proxy_handler.hpp"
#include "request.hpp"

#include <cache/log.hpp>
#include <gomod/format.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>

namespace gpx::agent {

namespace {

// Literal loopback addresses and "localhost" only: any other name would be
// resolved, and a name can resolve anywhere.
bool
is_loopback_host(std::string_view host)
{
  if (host == "localhost") {
    return true;
  }
  std::string h(host);
  in_addr v4{};
  if (inet_pton(AF_INET, h.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  return inet_pton(AF_INET6, h.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

// A download in progress, sent as it arrives (chunked: its length is not
// known yet). A transfer that fails its checks at the end is cut off without
// the last chunk, so the client sees an error and keeps nothing.
bool
send_stream(const Reply& reply, Exchange& ex)
{
  if (!ex.begin_chunked(reply.status, reply.content_type)) {
    return false;
  }
  if (ex.request().method == "HEAD") {
    return true;
  }
  auto& stream = *reply.stream;
  std::int64_t at = 0;
  std::array<char, 64 * 1024> buf;
  while (true) {
    auto st = stream.wait_beyond(at, std::chrono::seconds(1));
    if (st.available > at) {
      auto want = static_cast<std::size_t>(std::min<std::int64_t>(
        static_cast<std::int64_t>(buf.size()), st.available - at));
      auto got = stream.read_at(buf.data(), want, at);
      if (got <= 0
          || !ex.write_chunk(
            std::string_view(buf.data(), static_cast<std::size_t>(got)))) {
        return false;
      }
      at += got;
      continue;
    }
    if (st.done) {
      return st.ok && ex.end_chunked();
    }
  }
}

// Sends reply and returns the body's size; nullopt when the reply's file is
// gone (pruned between the lookup and here) and nothing was sent.
std::optional<std::size_t>
send_reply(const Reply& reply, Exchange& ex)
{
  if (reply.stream) {
    send_stream(reply, ex);
    return 0;
  }
  if (reply.file.empty()) {
    if (ex.request().method == "HEAD" && reply.body.empty()
        && reply.length >= 0) {
      ex.respond_length(reply.status, reply.content_type, reply.length);
      return 0;
    }
    ex.respond(reply.status, reply.content_type, reply.body);
    return reply.body.size();
  }
  // Size and bytes from one open descriptor: a list replaced meanwhile (by
  // rename) is sent whole, old or new; an unlink by prune is harmless.
  int fd = ::open(reply.file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return std::nullopt;
  }
  struct stat st
  {
  };
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return std::nullopt;
  }
  ex.respond_file(reply.status, reply.content_type, fd, st.st_size);
  ::close(fd);
  return static_cast<std::size_t>(st.st_size);
}

// The door's own counters, appended to the proxy's /metrics text.
std::string
door_metrics(const Front& front)
{
  auto c = front.counters();
  std::string out;
  auto metric = [&](std::string_view name,
                    std::string_view type,
                    std::string_view help,
                    std::uint64_t v) {
    out += format(
      "# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name, type, name, v);
  };
  metric("gpx_door_connections_open",
         "gauge",
         "Client connections open now.",
         c.open);
  metric("gpx_door_connections_accepted_total",
         "counter",
         "Client connections accepted.",
         c.accepted);
  metric("gpx_door_connections_timed_out_total",
         "counter",
         "Connections closed because a request head did not arrive in time.",
         c.timed_out);
  metric("gpx_door_connections_evicted_total",
         "counter",
         "Idle connections closed to make room at the connection cap.",
         c.evicted);
  metric("gpx_door_requests_refused_total",
         "counter",
         "Request heads refused: past a size cap or malformed.",
         c.refused);
  metric("gpx_door_requests_shed_total",
         "counter",
         "Requests refused with 503 because every worker was busy.",
         c.shed);
  metric("gpx_door_workers", "gauge", "Worker threads running now.", c.workers);
  return out;
}

// Private modules are the developer's code: only the agent's own user's
// processes get them. Another local user's go command is refused, and so
// is a connection whose owner the kernel cannot name.
std::string
private_refusal(Exchange& ex,
                const ProxyHandler& proxy,
                const ProxyRequest& request)
{
  if (request.endpoint == Endpoint::sumdb
      || !proxy.is_private(request.module.path)) {
    return "";
  }
  auto uid = ex.peer_uid();
  if (uid && *uid == ::geteuid()) {
    return "";
  }
  return format(
    "forbidden: {} is a private module, served only to the agent's own user "
    "(uid {}); "
    "run your own agent (gpx init) to fetch it\n",
    request.module.path,
    ::geteuid());
}

void
serve(Exchange& ex, ProxyHandler* proxy, const Front& front)
{
  const auto& req = ex.request();
  auto start = std::chrono::steady_clock::now();
  auto since = [&] { return std::chrono::steady_clock::now() - start; };
  if (proxy == nullptr) {
    ex.respond(404, "text/plain; charset=utf-8", "not found\n");
    return;
  }
  if (req.path == "/metrics") {
    ex.respond(200,
               "text/plain; version=0.0.4; charset=utf-8",
               proxy->render_metrics() + door_metrics(front));
    return;
  }
  auto parsed = parse_request(req.path);
  if (!parsed) {
    ex.respond(parsed.error().code == Error::Code::not_found ? 404 : 400,
               "text/plain; charset=utf-8",
               parsed.error().message + "\n");
    proxy->metrics().record_invalid(since());
    return;
  }
  parsed->head = req.method == "HEAD";
  if (auto why = private_refusal(ex, *proxy, *parsed); !why.empty()) {
    GPX_LOG(warn, "refused path={:?} reason=\"another local user\"", req.path);
    ex.respond(403, "text/plain; charset=utf-8", why);
    proxy->metrics().record(parsed->endpoint, 403, false, 0, since());
    return;
  }
  // A prune may remove a file between the lookup and the open; asking
  // again fetches it anew.
  for (int attempt = 0;; ++attempt) {
    auto reply = proxy->handle(*parsed);
    // Whether the answer came from the cache: prefetch counts its hits and
    // fetches from it, without reading /metrics.
    ex.set_field("X-Cache", reply.from_cache ? "HIT" : "MISS");
    if (auto bytes = send_reply(reply, ex)) {
      // A HEAD (prefetch asking for sizes) is no download: /metrics counts
      // the GETs that follow.
      if (!parsed->head) {
        proxy->metrics().record(
          parsed->endpoint, reply.status, reply.from_cache, *bytes, since());
      }
      GPX_LOG(debug,
              "request method={} path={:?} status={}",
              req.method,
              req.path,
              reply.status);
      return;
    }
    if (attempt == 2) {
      ex.respond(
        503,
        "text/plain; charset=utf-8",
        "the cached file was removed while being served (a prune?); retry\n");
      proxy->metrics().record(parsed->endpoint, 503, false, 0, since());
      return;
    }
  }
}

} // namespace

Result<ListenAddress>
parse_listen_address(std::string_view text)
{
  ListenAddress addr;
  std::string_view port_text;
  if (text.starts_with('[')) {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size()
        || text[close + 1] != ':') {
      return Error::invalid(
        format("listen address {:?}: want [IPV6]:PORT, e.g. [::1]:7070", text));
    }
    addr.host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
      return Error::invalid(format(
        "listen address {:?}: want HOST:PORT, e.g. 127.0.0.1:7070", text));
    }
    addr.host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  }
  auto [end, ec] = std::from_chars(
    port_text.data(), port_text.data() + port_text.size(), addr.port);
  if (ec != std::errc() || end != port_text.data() + port_text.size()
      || addr.port < 0 || addr.port > 65535) {
    return Error::invalid(format(
      "listen address {:?}: port must be a number from 0 to 65535", text));
  }
  if (!is_loopback_host(addr.host)) {
    // The agent holds the developer's git credentials: anything beyond
    // loopback needs TLS and an access token, which are not implemented yet.
    return Error::invalid(
      format("listen address {:?}: only loopback addresses (127.0.0.1, ::1, "
             "localhost) are supported",
             text));
  }
  return addr;
}

struct Server::Impl
{
  ServerOptions options;
  int listen_fd = -1;
  int bound_port = -1;
  std::unique_ptr<Front> front;

  // On the event loop: what can be answered without a worker.
  std::optional<QuickReply>
  quick(const RequestHead& head) const
  {
    // The GOPROXY protocol is GET (and HEAD). Anything else is refused
    // before its body is read, and the connection closed, since the body
    // is still in it.
    if (head.method != "GET" && head.method != "HEAD") {
      return QuickReply{
        405,
        "method not allowed: the agent serves GET and HEAD only\n",
        {{"Allow", "GET, HEAD"}}};
    }
    auto why = door_refusal(head.field("Host"),
                            bound_port,
                            head.field("Origin"),
                            head.field("Sec-Fetch-Site"));
    if (!why.empty()) {
      GPX_LOG(warn, "refused path={:?} reason={:?}", head.path, why);
      return QuickReply{403, "forbidden: " + why + "\n", {}};
    }
    // Liveness for scripts, units and `gpx status`: answered by the loop
    // itself, so it stays fast whatever the workers are doing.
    if (head.path == "/healthz") {
      GPX_LOG(debug,
              "request method={} path={:?} status=200",
              head.method,
              head.path);
      return QuickReply{200, "ok\n", {}};
    }
    return std::nullopt;
  }
};

Server::Server(ServerOptions options)
  : m_impl(std::make_unique<Impl>())
{
  m_impl->options = std::move(options);
  auto* impl = m_impl.get();
  FrontRoutes routes;
  routes.quick = [impl](const RequestHead& head) { return impl->quick(head); };
  routes.serve = [impl](Exchange& ex) {
    serve(ex, impl->options.proxy, *impl->front);
  };
  m_impl->front = std::make_unique<Front>(FrontOptions{}, std::move(routes));
}

Server::~Server()
{
  m_impl->front.reset();
  if (m_impl->listen_fd >= 0) {
    ::close(m_impl->listen_fd);
  }
}

Result<int>
Server::bind()
{
  const auto& l = m_impl->options.listen;
  // "localhost" is the IPv4 loopback: a name is never resolved.
  std::string host = l.host == "localhost" ? "127.0.0.1" : l.host;
  sockaddr_storage addr{};
  socklen_t len = 0;
  if (host.find(':') != std::string::npos) {
    auto& a6 = reinterpret_cast<sockaddr_in6&>(addr);
    a6.sin6_family = AF_INET6;
    a6.sin6_port = htons(static_cast<std::uint16_t>(l.port));
    inet_pton(AF_INET6, host.c_str(), &a6.sin6_addr);
    len = sizeof a6;
  } else {
    auto& a4 = reinterpret_cast<sockaddr_in&>(addr);
    a4.sin_family = AF_INET;
    a4.sin_port = htons(static_cast<std::uint16_t>(l.port));
    inet_pton(AF_INET, host.c_str(), &a4.sin_addr);
    len = sizeof a4;
  }
  int fd = ::socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  // SO_REUSEADDR allows a quick restart over TIME_WAIT sockets; no
  // SO_REUSEPORT, which would let a second agent bind the same port and
  // silently take half the requests.
  int yes = 1;
  if (fd >= 0) {
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  }
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0
      || ::listen(fd, 4096) != 0) {
    int err = errno;
    if (fd >= 0) {
      ::close(fd);
    }
    return Error::io(
      format("cannot listen on {}:{}: {} (in use by another process? try "
             "--listen {}:0 for a free port)",
             l.host,
             l.port,
             std::strerror(err),
             l.host));
  }
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    m_impl->bound_port =
      addr.ss_family == AF_INET
        ? ntohs(reinterpret_cast<sockaddr_in&>(addr).sin_port)
        : ntohs(reinterpret_cast<sockaddr_in6&>(addr).sin6_port);
  }
  m_impl->listen_fd = fd;
  return m_impl->bound_port;
}

Result<int>
Server::adopt(int fd)
{
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  int listening = 0;
  socklen_t optlen = sizeof listening;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0
      || getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &optlen) != 0
      || listening == 0
      || (addr.ss_family != AF_INET && addr.ss_family != AF_INET6)) {
    return Error::invalid(format(
      "fd {} passed by the service manager is not a listening TCP socket", fd));
  }
  char host[INET6_ADDRSTRLEN] = {};
  int port = 0;
  if (addr.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
    port = ntohs(in->sin_port);
  } else {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
    port = ntohs(in6->sin6_port);
  }
  // The door holds for activated sockets too: loopback only.
  if (!is_loopback_host(host)) {
    return Error::invalid(
      format("the service manager's socket listens on {}:{}; only loopback "
             "addresses are accepted "
             "(set ListenStream=127.0.0.1:PORT)",
             host,
             port));
  }
  m_impl->options.listen.host = host;
  m_impl->options.listen.port = port;
  m_impl->bound_port = port;
  m_impl->listen_fd = fd;
  return port;
}

Status
Server::run()
{
  if (m_impl->listen_fd < 0) {
    return Error::invalid("the server is not bound");
  }
  return m_impl->front->run(m_impl->listen_fd);
}

void
Server::stop()
{
  m_impl->front->stop();
}

std::string
Server::url() const
{
  const auto& host = m_impl->options.listen.host;
  if (host.find(':') != std::string::npos) {
    return format("http://[{}]:{}", host, m_impl->bound_port);
  }
  return format("http://{}:{}", host, m_impl->bound_port);
}

} // namespace gpx::agent
