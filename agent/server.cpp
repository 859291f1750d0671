#include "server.hpp"

#include "in_flight.hpp"
#include "proxy_handler.hpp"
#include "request.hpp"

#include <cache/log.hpp>
#include <gomod/format.hpp>

#include <httplib.h>

#include <array>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <charconv>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

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

// Answers up to this size are sent from memory in one piece.
constexpr std::size_t k_small_reply = 64 * 1024;

// Sets res from reply and returns the body's size; nullopt when the reply's
// file is gone (pruned between the lookup and here) and res is untouched.
// A download in progress, sent as it arrives (chunked: its length is not
// known yet). A transfer that fails its checks at the end is cut off without
// the last chunk, so the client sees an error and keeps nothing.
void
send_stream(const Reply& reply, httplib::Response& res)
{
  res.status = reply.status;
  auto stream = reply.stream;
  res.set_chunked_content_provider(reply.content_type, [stream](std::size_t offset, httplib::DataSink& sink) {
    auto at = static_cast<std::int64_t>(offset);
    while (true) {
      auto st = stream->wait_beyond(at, std::chrono::seconds(1));
      if (st.available > at) {
        std::array<char, 64 * 1024> buf;
        auto want = static_cast<std::size_t>(std::min<std::int64_t>(static_cast<std::int64_t>(buf.size()), st.available - at));
        auto got = stream->read_at(buf.data(), want, at);
        return got > 0 && sink.write(buf.data(), static_cast<std::size_t>(got));
      }
      if (st.done) {
        if (!st.ok) {
          return false;
        }
        sink.done();
        return true;
      }
      if (!sink.is_writable()) {
        return false;
      }
    }
  });
}

std::optional<std::size_t>
send_reply(const Reply& reply, httplib::Response& res)
{
  if (reply.stream) {
    send_stream(reply, res);
    return 0;
  }
  if (reply.file.empty() && reply.body.empty() && reply.length >= 0) {
    // A HEAD answered without the bytes (ProxyRequest::head).
    res.status = reply.status;
    res.set_header("Content-Type", reply.content_type);
    res.set_header("Content-Length", std::to_string(reply.length));
    return 0;
  }
  if (reply.file.empty()) {
    res.status = reply.status;
    res.set_content(reply.body, reply.content_type);
    return reply.body.size();
  }
  // Size and bytes from one open descriptor: a list replaced meanwhile (by
  // rename) is sent whole, old or new; an unlink by prune is harmless.
  auto in = std::make_shared<std::ifstream>(reply.file, std::ios::binary | std::ios::ate);
  auto end = in->tellg();
  if (!*in || end < 0) {
    return std::nullopt;
  }
  res.status = reply.status;
  auto size = static_cast<std::size_t>(end);
  if (size <= k_small_reply) {
    // .info, .mod, list, lookups: one read, one write.
    std::string body(size, '\0');
    in->seekg(0);
    if (in->read(body.data(), static_cast<std::streamsize>(size))) {
      res.set_content(body, reply.content_type);
      return size;
    }
    res.status = 500;
    res.set_content("cannot read the cached file; retry\n", "text/plain; charset=utf-8");
    return 0;
  }
  // Larger files stream in chunks: memory stays flat whatever the size.
  res.set_content_provider(
    size, reply.content_type, [in](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
      std::array<char, 64 * 1024> buf;
      in->seekg(static_cast<std::streamoff>(offset));
      auto n = std::min(length, buf.size());
      in->read(buf.data(), static_cast<std::streamsize>(n));
      auto got = in->gcount();
      if (got <= 0) {
        return false;
      }
      return sink.write(buf.data(), static_cast<std::size_t>(got));
    });
  return size;
}

void
register_routes(httplib::Server& http, ProxyHandler* proxy)
{
  // Liveness for scripts, units and `gpx status`: cheap, no cache access.
  http.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain; charset=utf-8");
  });
  if (proxy == nullptr) {
    return;
  }
  http.Get("/metrics", [proxy](const httplib::Request&, httplib::Response& res) {
    res.set_content(proxy->render_metrics(), "text/plain; version=0.0.4; charset=utf-8");
  });
  http.Get(R"(/.+)", [proxy](const httplib::Request& req, httplib::Response& res) {
    auto start = std::chrono::steady_clock::now();
    auto parsed = parse_request(req.path);
    if (!parsed) {
      res.status = parsed.error().code == Error::Code::not_found ? 404 : 400;
      res.set_content(parsed.error().message + "\n", "text/plain; charset=utf-8");
      proxy->metrics().record(Endpoint::sumdb, 400, false, 0, std::chrono::steady_clock::now() - start);
      return;
    }
    parsed->head = req.method == "HEAD";
    // A prune may remove a file between the lookup and the open; asking
    // again fetches it anew.
    for (int attempt = 0;; ++attempt) {
      auto reply = proxy->handle(*parsed);
      // Whether this answer came from the cache, for clients that count
      // (gpx prefetch's "already cached" and "fetched").
      res.set_header("X-Cache", reply.from_cache ? "HIT" : "MISS");
      if (auto bytes = send_reply(reply, res)) {
        proxy->metrics().record(parsed->endpoint, reply.status, reply.from_cache, *bytes,
                                std::chrono::steady_clock::now() - start);
        return;
      }
      if (attempt == 2) {
        res.status = 503;
        res.set_content("the cached file was removed while being served (a prune?); retry\n", "text/plain; charset=utf-8");
        proxy->metrics().record(parsed->endpoint, 503, false, 0, std::chrono::steady_clock::now() - start);
        return;
      }
    }
  });
}

} // namespace

Result<ListenAddress>
parse_listen_address(std::string_view text)
{
  ListenAddress addr;
  std::string_view port_text;
  if (text.starts_with('[')) {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return make_error(Error::Code::invalid,
                        format("listen address {:?}: want [IPV6]:PORT, e.g. [::1]:7070", text));
    }
    addr.host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
      return make_error(Error::Code::invalid,
                        format("listen address {:?}: want HOST:PORT, e.g. 127.0.0.1:7070", text));
    }
    addr.host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  }
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), addr.port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || addr.port < 0
      || addr.port > 65535) {
    return make_error(Error::Code::invalid,
                      format("listen address {:?}: port must be a number from 0 to 65535", text));
  }
  if (!is_loopback_host(addr.host)) {
    // The agent holds the developer's git credentials: anything beyond
    // loopback needs TLS and an access token, which are not implemented yet.
    return make_error(Error::Code::invalid,
                      format("listen address {:?}: only loopback addresses (127.0.0.1, ::1, "
                             "localhost) are supported",
                             text));
  }
  return addr;
}

// httplib listens on a socket it made itself; with socket activation the
// socket comes from systemd, already bound and listening.
class AdoptingServer : public httplib::Server
{
public:
  void
  adopt(int fd)
  {
    svr_sock_ = fd;
  }
};

struct Server::Impl
{
  ServerOptions options;
  AdoptingServer http;
  int bound_port = -1;
};

Server::Server(ServerOptions options) : m_impl(std::make_unique<Impl>())
{
  m_impl->options = std::move(options);
  // httplib's default adds SO_REUSEPORT, which lets a second agent bind the
  // same port and silently take half the requests. SO_REUSEADDR alone still
  // allows a quick restart over TIME_WAIT sockets.
  // TCP_NODELAY (inherited by accepted sockets): httplib writes headers and
  // body separately, and with Nagle's algorithm against the client's delayed
  // ACK every small answer on a keep-alive connection waited 40 ms.
  m_impl->http.set_socket_options([](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
  });
  m_impl->http.set_tcp_nodelay(true);
  // The door: every request passes here before any route runs.
  m_impl->http.set_pre_routing_handler([impl = m_impl.get()](const httplib::Request& req, httplib::Response& res) {
    // The GOPROXY protocol is GET (and HEAD). Anything else is refused
    // before its body is read (httplib reads a body whole into memory after
    // this handler), and the connection closed, since the body is still
    // in it.
    if (req.method != "GET" && req.method != "HEAD") {
      res.status = 405;
      res.set_header("Allow", "GET, HEAD");
      res.set_header("Connection", "close");
      res.set_content("method not allowed: the agent serves GET and HEAD only\n", "text/plain; charset=utf-8");
      return httplib::Server::HandlerResponse::Handled;
    }
    auto why = door_refusal(req.get_header_value("Host"),
                            impl->bound_port,
                            req.get_header_value("Origin"),
                            req.get_header_value("Sec-Fetch-Site"));
    if (why.empty()) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    res.status = 403;
    GPX_LOG(warn, "refused path={:?} reason={:?}", req.path, why);
    res.set_content("forbidden: " + why + "\n", "text/plain; charset=utf-8");
    return httplib::Server::HandlerResponse::Handled;
  });
  register_routes(m_impl->http, m_impl->options.proxy);
  // httplib closes a keep-alive connection after 5 requests by default and
  // serves each connection on one pool thread: the go command opens many
  // parallel keep-alive connections, so allow long-lived connections and
  // enough threads that none waits for another's idle connection.
  m_impl->http.set_keep_alive_max_count(10000);
  m_impl->http.new_task_queue = [] { return new httplib::ThreadPool(64); };
  m_impl->http.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    GPX_LOG(debug, "request method={} path={:?} status={}", req.method, req.path, res.status);
  });
}

Server::~Server() = default;

Result<int>
Server::bind()
{
  const auto& l = m_impl->options.listen;
  int port = l.port == 0 ? m_impl->http.bind_to_any_port(l.host) : l.port;
  if (l.port != 0 && !m_impl->http.bind_to_port(l.host, l.port)) {
    port = -1;
  }
  if (port < 0) {
    return make_error(Error::Code::io,
                      format("cannot listen on {}:{} (in use by another process? try "
                             "--listen {}:0 for a free port)",
                             l.host,
                             l.port,
                             l.host));
  }
  m_impl->bound_port = port;
  return port;
}

Result<int>
Server::adopt(int fd)
{
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  int listening = 0;
  socklen_t optlen = sizeof listening;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0
      || getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &optlen) != 0 || listening == 0
      || (addr.ss_family != AF_INET && addr.ss_family != AF_INET6)) {
    return make_error(Error::Code::invalid, format("fd {} passed by the service manager is not a listening TCP socket", fd));
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
    return make_error(Error::Code::invalid,
                      format("the service manager's socket listens on {}:{}; only loopback addresses are accepted "
                             "(set ListenStream=127.0.0.1:PORT)",
                             host, port));
  }
  int yes = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
  m_impl->options.listen.host = host;
  m_impl->options.listen.port = port;
  m_impl->bound_port = port;
  m_impl->http.adopt(fd);
  return port;
}

Status
Server::run()
{
  if (!m_impl->http.listen_after_bind()) {
    return make_error(Error::Code::io, "the HTTP server stopped with an error");
  }
  return {};
}

void
Server::stop()
{
  m_impl->http.stop();
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
