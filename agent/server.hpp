#pragma once

// The agent's HTTP server. It binds before it announces itself, so that a
// caller that reads the first line of stdout ("gpx agent listening on
// http://HOST:PORT") can connect at once, with no polling.

#include <gomod/result.hpp>

#include <memory>
#include <string>

namespace gpx::agent {

struct ListenAddress
{
  std::string host; // "127.0.0.1", "::1", "localhost"
  int port = 0;     // 0: pick a free port
};

// "127.0.0.1:7070", "[::1]:0", "localhost:7070". Only loopback addresses are
// accepted: a non-loopback listener would need TLS and a token, which this
// version does not offer yet.
Result<ListenAddress> parse_listen_address(std::string_view text);

class ProxyHandler;

struct ServerOptions
{
  ListenAddress listen{"127.0.0.1", 7070};
  // Answers the GOPROXY endpoints; without one only /healthz is served.
  ProxyHandler* proxy = nullptr;
};

class Server
{
public:
  explicit Server(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the socket; returns the port actually bound (useful with port 0).
  Result<int> bind();
  // Instead of bind(): serves on a socket that is already listening (systemd
  // socket activation passes it as fd 3); refused unless it is loopback.
  Result<int> adopt(int fd);
  // Serves until stop(); call after bind() or adopt().
  Status run();
  // Any thread. Safe to call before run() starts its loop.
  void stop();

  // "http://127.0.0.1:7070" once bound.
  std::string url() const;

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

} // namespace gpx::agent
